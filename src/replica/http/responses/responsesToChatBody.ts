import { invalidField } from "../OpenAIHttpError.js";
import { describe } from "../requestFields.js";
import { chatFunctionTools, stringField } from "../translatedBodyFields.js";

type Json = Record<string, unknown>;

/** Request fields passed to the chat path unchanged (sampling, llmserve's and vLLM's extensions). */
const PASSED_THROUGH = [
  "model", "stream", "temperature", "top_p", "top_k", "min_p", "seed", "parallel_tool_calls", "user",
  "thinking_token_budget", "max_thinking_tokens", "chat_template_kwargs", "include_reasoning",
] as const;

/**
 * Translates an OpenAI Responses request into the chat-completions body the replica serves: `instructions` → a
 * system message; `input` (a string, or message / reasoning / function_call / function_call_output items) → the
 * conversation, reasoning items attached to the assistant turn that follows them; function tools → chat tools;
 * `max_output_tokens` → `max_tokens`; `text.format` → `response_format`; `reasoning.effort` → `reasoning_effort`.
 * Nothing is stored, so `previous_response_id` and `conversation` are refused (400) rather than ignored.
 */
export function responsesToChatBody(body: Json): Json {
  for (const field of ["previous_response_id", "conversation"]) {
    if (body[field] !== undefined && body[field] !== null) {
      throw invalidField(field, `'${field}' needs responses stored on the server; this server stores none (store: false). Send the earlier turns, including their output items, in 'input' instead`);
    }
  }
  if (body["background"] === true) throw invalidField("background", "'background' responses are not supported: this server stores no responses");
  const chat: Json = { messages: [...instructions(body["instructions"]), ...conversation(body["input"])] };
  for (const field of PASSED_THROUGH) if (body[field] !== undefined && body[field] !== null) chat[field] = body[field];
  if (body["max_output_tokens"] !== undefined && body["max_output_tokens"] !== null) chat["max_tokens"] = body["max_output_tokens"];
  if (chat["stream"] === true) chat["stream_options"] = { include_usage: true };
  if (body["tools"] !== undefined && body["tools"] !== null) chat["tools"] = functionTools(body["tools"]);
  if (body["tool_choice"] !== undefined && body["tool_choice"] !== null) chat["tool_choice"] = toolChoice(body["tool_choice"]);
  const format = (body["text"] as Json | undefined)?.["format"] as Json | undefined;
  if (format !== undefined && format !== null) {
    const responseFormat = responseFormatOf(format);
    if (responseFormat !== undefined) chat["response_format"] = responseFormat;
  }
  const effort = (body["reasoning"] as Json | undefined)?.["effort"];
  if (typeof effort === "string") chat["reasoning_effort"] = effort;
  return chat;
}

function instructions(value: unknown): Json[] {
  if (value === undefined || value === null || value === "") return [];
  if (typeof value !== "string") throw invalidField("instructions", `'instructions' must be a string (got ${describe(value)})`);
  return [{ role: "system", content: value }];
}

function conversation(input: unknown): Json[] {
  if (typeof input === "string") return [{ role: "user", content: input }];
  if (!Array.isArray(input) || input.length === 0) {
    throw invalidField("input", `'input' must be a string or a non-empty list of items (got ${describe(input)})`);
  }
  const messages: Json[] = [];
  let reasoning: string | undefined;
  /** The assistant message function calls join: the one just added, unless another message came since. */
  let assistant: Json | undefined;
  const openAssistant = (): Json => {
    if (assistant === undefined) {
      assistant = { role: "assistant", content: null };
      messages.push(assistant);
    }
    if (reasoning !== undefined) {
      assistant["reasoning_content"] = reasoning;
      reasoning = undefined;
    }
    return assistant;
  };
  input.forEach((raw, index) => {
    const path = `input[${index}]`;
    if (typeof raw !== "object" || raw === null) throw invalidField(path, `'${path}' must be an item object`);
    const item = raw as Json;
    const type = item["type"] ?? "message";
    if (type === "message") {
      const role = item["role"];
      if (role === "assistant") {
        assistant = undefined;
        const message = openAssistant();
        message["content"] = textOf(item["content"], `${path}.content`);
        return;
      }
      if (role !== "user" && role !== "system" && role !== "developer") {
        throw invalidField(`${path}.role`, `'${path}.role' must be user, assistant, system or developer (got ${describe(role)})`);
      }
      assistant = undefined;
      messages.push({ role, content: textOf(item["content"], `${path}.content`) });
    } else if (type === "reasoning") {
      reasoning = reasoningText(item, path);
    } else if (type === "function_call") {
      const message = openAssistant();
      const calls = (message["tool_calls"] as Json[] | undefined) ?? [];
      calls.push({ id: stringField(item, "call_id", path), type: "function", function: { name: stringField(item, "name", path), arguments: stringField(item, "arguments", path) } });
      message["tool_calls"] = calls;
    } else if (type === "function_call_output") {
      assistant = undefined;
      const output = item["output"];
      messages.push({ role: "tool", tool_call_id: stringField(item, "call_id", path), content: typeof output === "string" ? output : textOf(output, `${path}.output`) });
    } else {
      throw invalidField(`${path}.type`, `'${path}.type' ${describe(type)} is not supported; use message, reasoning, function_call or function_call_output items`);
    }
  });
  return messages;
}

function textOf(content: unknown, path: string): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) throw invalidField(path, `'${path}' must be a string or a list of text parts (got ${describe(content)})`);
  return content
    .map((part, index) => {
      const item = part as Json | null;
      const type = item?.["type"];
      if (item === null || (type !== "input_text" && type !== "output_text" && type !== "text") || typeof item["text"] !== "string") {
        throw invalidField(`${path}[${index}]`, `'${path}[${index}]' must be a text part (input_text or output_text); other content types are not supported (got ${describe(type)})`);
      }
      return item["text"];
    })
    .join("\n");
}

function reasoningText(item: Json, path: string): string {
  const parts = [item["content"], item["summary"]].find((value) => Array.isArray(value) && value.length > 0) as Json[] | undefined;
  if (parts === undefined) return "";
  return parts
    .map((part, index) => {
      if (typeof part?.["text"] !== "string") throw invalidField(`${path}.content[${index}]`, `'${path}' reasoning parts must have a 'text' string`);
      return part["text"];
    })
    .join("\n");
}

function functionTools(tools: unknown): Json[] {
  return chatFunctionTools(tools, (item) => item["type"] === "function", "parameters", (type) => `must be a function tool; built-in tools (type ${describe(type)}) are not available here`);
}

function toolChoice(choice: unknown): unknown {
  if (typeof choice === "string") return choice;
  const item = choice as Json;
  if (item?.["type"] === "function") return { type: "function", function: { name: stringField(item, "name", "tool_choice") } };
  throw invalidField("tool_choice", `'tool_choice' must be auto, none, required or {"type":"function","name"} (got ${describe(choice)})`);
}

function responseFormatOf(format: Json): Json | undefined {
  switch (format["type"]) {
    case "text":
      return undefined;
    case "json_object":
      return { type: "json_object" };
    case "json_schema":
      return { type: "json_schema", json_schema: { name: format["name"] ?? "response", schema: format["schema"], strict: format["strict"] ?? false } };
    default:
      throw invalidField("text.format.type", `'text.format.type' must be text, json_object or json_schema (got ${describe(format["type"])})`);
  }
}
