import { Template } from "@huggingface/jinja";

/** Parses a GGUF chat template once at load time; a template the Jinja engine cannot parse is a load failure. */
export function compileChatTemplate(source: string): Template {
  return new Template(source);
}
