import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseJsonKeepingFloats } from "../../src/replica/prompt/parseJsonKeepingFloats.js";

const DIR = fileURLToPath(new URL("../fixtures/chatTemplates/", import.meta.url));

export interface CorpusTemplate {
  readonly name: string;
  readonly source: string;
  readonly template: string;
  readonly bosToken: string;
  readonly eosToken: string;
  /** The model's special tokens (BOS and EOS among them), for a generated GGUF's vocabulary. */
  readonly specialTokens: readonly string[];
}

export interface CorpusConversation {
  readonly name: string;
  /** The request body (`messages`, `tools`, `chat_template_kwargs`) as JSON text: floats written `300.0` stay so. */
  readonly json: string;
  readonly body: Record<string, unknown>;
}

/** The local time `scripts/goldens/renderChatTemplates.py` gives `strftime_now`. */
export const GOLDEN_NOW = new Date(2025, 5, 28, 12, 0, 0);

/**
 * The golden corpus (test/fixtures/chatTemplates): real chat templates, conversations, and the prompts Python
 * Jinja2 renders with transformers' settings after vLLM's normalisation (`{prompt}`, or `{error}` when the
 * template refuses).
 */
export function loadChatTemplateCorpus(): {
  templates: CorpusTemplate[];
  conversations: CorpusConversation[];
  golden: (template: string, conversation: string) => { prompt?: string; error?: string };
} {
  const specs = JSON.parse(readFileSync(`${DIR}templates.json`, "utf8")) as Record<string, { file: string; source: string; bos_token: string; eos_token: string; special_tokens: string[] }>;
  const templates = Object.entries(specs).map(([name, spec]) => ({
    name,
    source: spec.source,
    template: readFileSync(`${DIR}${spec.file}`, "utf8"),
    bosToken: spec.bos_token,
    eosToken: spec.eos_token,
    specialTokens: spec.special_tokens,
  }));
  const conversationsText = readFileSync(`${DIR}conversations.json`, "utf8");
  const parsed = parseJsonKeepingFloats(conversationsText) as Record<string, Record<string, unknown>>;
  const conversations = Object.entries(parsed).map(([name, body]) => ({ name, body, json: conversationJson(conversationsText, name) }));
  const goldens = JSON.parse(readFileSync(`${DIR}goldens.json`, "utf8")) as Record<string, Record<string, { prompt?: string; error?: string }>>;
  return {
    templates,
    conversations,
    golden: (template, conversation) => {
      const golden = goldens[template]?.[conversation];
      if (golden === undefined) throw new Error(`no golden for ${template} x ${conversation}: run scripts/goldens/renderChatTemplates.py`);
      return golden;
    },
  };
}

/** A golden prompt with the golden clock's dates replaced by `now`'s, for renderings that read the real clock. */
export function goldenAt(prompt: string, now: Date): string {
  const formats: ((date: Date) => string)[] = [
    (date) => `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, "0")}-${String(date.getDate()).padStart(2, "0")}`,
    (date) => `${date.toLocaleString("en-US", { month: "long" })} ${String(date.getDate()).padStart(2, "0")}, ${date.getFullYear()}`,
  ];
  return formats.reduce((text, format) => text.replaceAll(format(GOLDEN_NOW), format(now)), prompt);
}

/** The raw JSON text of one top-level entry of conversations.json, so a request can be sent with its floats as written. */
function conversationJson(text: string, name: string): string {
  const start = text.indexOf(`"${name}": {`);
  if (start < 0) throw new Error(`conversation ${name} not found`);
  let depth = 0;
  let inString = false;
  for (let i = text.indexOf("{", start); i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === "\\") i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === "{") depth++;
    else if (ch === "}" && --depth === 0) return text.slice(text.indexOf("{", start), i + 1);
  }
  throw new Error(`conversation ${name} is not closed`);
}
