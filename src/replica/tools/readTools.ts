import { ToolRequestError } from "./ToolRequestError.js";

/** One OpenAI function tool, validated. */
export interface FunctionTool {
  type: "function";
  function: { name: string; description?: string; parameters?: Record<string, unknown>; strict?: boolean };
}

export type ToolChoice = "none" | "auto" | "required" | { type: "function"; function: { name: string } };

const NAME = /^[A-Za-z0-9_.:-]{1,64}$/;

/** Validates the request's `tools` array (OpenAI's shape); undefined/null/[] means no tools. */
export function readTools(value: unknown): FunctionTool[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw new ToolRequestError("tools must be an array of {type: \"function\", function: {...}}.", "tools");
  if (value.length === 0) return undefined;
  const names = new Set<string>();
  return value.map((tool: unknown, index) => {
    const param = `tools[${index}]`;
    if (!isObject(tool) || tool.type !== "function" || !isObject(tool.function)) {
      throw new ToolRequestError(`${param} must be {"type": "function", "function": {"name": ..., "parameters": {...}}}.`, param);
    }
    const fn = tool.function;
    if (typeof fn.name !== "string" || !NAME.test(fn.name)) {
      throw new ToolRequestError(`${param}.function.name must be 1-64 letters, digits, _ . : or -.`, `${param}.function.name`);
    }
    if (names.has(fn.name)) throw new ToolRequestError(`${param}.function.name "${fn.name}" is given twice.`, `${param}.function.name`);
    names.add(fn.name);
    if (fn.parameters !== undefined && fn.parameters !== null && !isObject(fn.parameters)) {
      throw new ToolRequestError(`${param}.function.parameters must be a JSON Schema object.`, `${param}.function.parameters`);
    }
    if (fn.description !== undefined && typeof fn.description !== "string") {
      throw new ToolRequestError(`${param}.function.description must be a string.`, `${param}.function.description`);
    }
    return tool as unknown as FunctionTool;
  });
}

/** Validates `tool_choice`; the default is "auto" with tools and "none" without, as OpenAI and vLLM do. */
export function readToolChoice(value: unknown, tools: readonly FunctionTool[] | undefined): ToolChoice {
  if (value === undefined || value === null) return tools === undefined ? "none" : "auto";
  if (value === "none" || value === "auto" || value === "required") return value;
  if (isObject(value) && value.type === "function" && isObject(value.function) && typeof value.function.name === "string") {
    return { type: "function", function: { name: value.function.name } };
  }
  throw new ToolRequestError(
    'tool_choice must be "none", "auto", "required" or {"type": "function", "function": {"name": ...}}.', "tool_choice");
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
