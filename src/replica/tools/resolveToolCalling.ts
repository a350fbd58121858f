import type { GrammarSource } from "../structured/GrammarSource.js";
import { buildToolCallGrammar, NATIVE_FORCED_FORMATS, type ForcedCallFormat } from "./buildToolCallGrammar.js";
import { createForcedJsonToolCallParser } from "../../tools/createForcedJsonToolCallParser.js";
import { createToolCallParser } from "../../tools/createToolCallParser.js";
import { readToolChoice, readTools, type FunctionTool, type ToolChoice } from "./readTools.js";
import { ToolRequestError } from "./ToolRequestError.js";
import type { ToolCallParser } from "../../tools/ToolCallTypes.js";

/** The model's tool settings: `engine_kwargs.enable_auto_tool_choice` and `engine_kwargs.tool_call_parser`. */
export interface ToolCallingSettings {
  enableAutoToolChoice: boolean;
  toolCallParser: string | undefined;
}

/** How the replica serves one chat request's tools. */
export interface ToolCallingPlan {
  choice: ToolChoice;
  /** Pass to the chat template as its `tools` variable; undefined renders the prompt without tools. */
  templateTools: FunctionTool[] | undefined;
  /** Run on the CONTENT (after the reasoning split); undefined means the content is plain text. */
  parser: ToolCallParser | undefined;
  /** For "required" and a named function: constrain the content with it (after the reasoning, like response_format). */
  grammar: GrammarSource | undefined;
}

/**
 * Validates `tools`, `tool_choice` and `parallel_tool_calls` against the model's settings, with vLLM's semantics:
 * - tools without tool_choice mean "auto"; "auto" needs `enable_auto_tool_choice` and a `tool_call_parser`, else 400
 *   (vLLM: '"auto" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set');
 * - "none": tools are neither rendered nor parsed (OpenAI: the model will not call a tool);
 * - "required" / a named function work without auto tool choice: a grammar forces the call(s), in the parser's own
 *   syntax when it has one (hermes, mistral, llama3_json), else in vLLM's plain-JSON form read back by a dedicated
 *   parser. A named function that is not in `tools` is a 400.
 * Throws ToolRequestError (400).
 */
export function resolveToolCalling(body: Record<string, unknown>, settings: ToolCallingSettings): ToolCallingPlan {
  const tools = readTools(body.tools);
  const choice = readToolChoice(body.tool_choice, tools);
  const parallelToolCalls = body.parallel_tool_calls !== false;
  if (choice === "none") return { choice, templateTools: undefined, parser: undefined, grammar: undefined };
  if (tools === undefined) {
    throw new ToolRequestError(`tool_choice ${JSON.stringify(choice)} needs a non-empty "tools" array.`, "tool_choice");
  }
  if (choice === "auto") {
    if (!settings.enableAutoToolChoice || settings.toolCallParser === undefined) {
      throw new ToolRequestError(
        '"auto" tool choice requires engine_kwargs.enable_auto_tool_choice: true and engine_kwargs.tool_call_parser ' +
          "in this model's llm_config (vLLM's --enable-auto-tool-choice and --tool-call-parser). Send tool_choice " +
          '"none", "required" or a named function, or enable it in the config.', "tool_choice");
    }
    return { choice, templateTools: tools, parser: createToolCallParser(settings.toolCallParser), grammar: undefined };
  }
  const functionName = choice === "required" ? undefined : choice.function.name;
  if (functionName !== undefined && !tools.some((tool) => tool.function.name === functionName)) {
    throw new ToolRequestError(`tool_choice names "${functionName}", which is not in "tools".`, "tool_choice.function.name");
  }
  const native = NATIVE_FORCED_FORMATS.find((name) => name === settings.toolCallParser);
  const format: ForcedCallFormat = native ?? "json";
  const grammar = buildToolCallGrammar({ format, tools, functionName, parallelToolCalls });
  const parser = native !== undefined ? createToolCallParser(native) : createForcedJsonToolCallParser(functionName);
  return { choice, templateTools: tools, parser, grammar };
}
