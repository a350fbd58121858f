import type { GbnfJsonSchema } from "node-llama-cpp";
import type { GrammarSource } from "../structured/GrammarSource.js";
import { normalizeJsonSchema } from "../structured/normalizeJsonSchema.js";
import { gbnfLiteral } from "../structured/gbnfText.js";
import type { FunctionTool } from "./readTools.js";

/** Formats whose own call syntax the forcing grammar can write; others use vLLM's plain-JSON form. */
export const NATIVE_FORCED_FORMATS = ["hermes", "mistral", "llama3_json"] as const;
export type ForcedCallFormat = (typeof NATIVE_FORCED_FORMATS)[number] | "json";

/** At most this many calls in one forced response when parallel calls are allowed. */
const MAX_PARALLEL_CALLS = 16;

/**
 * The grammar that forces tool calls for `tool_choice: "required"` (one or more of `tools`) or a named function
 * (exactly that one). In a native format the calls are written as the model would write them, e.g. for hermes
 * `<tool_call>\n{"name": "f", "arguments": {...}}\n</tool_call>`, so the normal parser reads them back and the
 * model's template renders them in history. In the "json" format (no parser configured, or one without a forcing
 * syntax) the output is vLLM's: the arguments object for a named function, or `[{"name", "parameters"}, ...]`.
 */
export function buildToolCallGrammar(options: {
  format: ForcedCallFormat;
  tools: readonly FunctionTool[];
  /** The forced function; undefined for "required". */
  functionName?: string;
  parallelToolCalls: boolean;
}): GrammarSource {
  const { format, functionName } = options;
  const tools = functionName === undefined ? options.tools : options.tools.filter((tool) => tool.function.name === functionName);
  const extra = options.parallelToolCalls && functionName === undefined ? MAX_PARALLEL_CALLS - 1 : 0;
  const argsKey = format === "llama3_json" || format === "json" ? "parameters" : "arguments";
  const callSchemas = tools.map((tool, index): GbnfJsonSchema => ({
    type: "object",
    properties: { name: { const: tool.function.name }, [argsKey]: parametersSchema(tool, index) },
  }) as GbnfJsonSchema);
  const oneCall: GbnfJsonSchema = callSchemas.length === 1 ? (callSchemas[0] as GbnfJsonSchema) : { oneOf: callSchemas };

  switch (format) {
    case "hermes": {
      const call = `${gbnfLiteral("<tool_call>\n")} root ${gbnfLiteral("\n</tool_call>")}`;
      return { kind: "json_schema", schema: oneCall, root: repeat(call, gbnfLiteral("\n"), extra) };
    }
    case "mistral":
      return { kind: "json_schema", schema: oneCall, root: `${gbnfLiteral("[TOOL_CALLS][")} ${repeat("root", gbnfLiteral(", "), extra)} ${gbnfLiteral("]")}` };
    case "llama3_json":
      return { kind: "json_schema", schema: oneCall, root: repeat("root", gbnfLiteral("; "), extra) };
    case "json":
      if (functionName !== undefined) return { kind: "json_schema", schema: parametersSchema(tools[0] as FunctionTool, 0) };
      return { kind: "json_schema", schema: { type: "array", items: oneCall, minItems: 1, maxItems: extra + 1 } };
  }
}

function repeat(item: string, separator: string, extra: number): string {
  return extra === 0 ? item : `${item} (${separator} ${item}){0,${extra}}`;
}

function parametersSchema(tool: FunctionTool, index: number): GbnfJsonSchema {
  const parameters = tool.function.parameters ?? { type: "object", properties: {} };
  return normalizeJsonSchema(parameters, `tools[${index}].function.parameters`).grammarSchema;
}
