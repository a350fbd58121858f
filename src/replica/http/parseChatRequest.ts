import type { ChatMessage, ChatToolCall } from "../prompt/ChatMessage.js";
import { invalidField } from "./OpenAIHttpError.js";
import type { GenerationParams } from "../engine/GenerationParams.js";
import { parseGenerationParams, unsupportedAbove } from "./parseGenerationParams.js";
import { describe, optionalBoolean, optionalNumber, optionalObject, optionalString } from "./requestFields.js";

export interface ChatRequest extends GenerationParams {
  readonly messages: readonly ChatMessage[];
  readonly tools: readonly unknown[] | undefined;
  readonly chatTemplateKwargs: Readonly<Record<string, unknown>>;
  /** false drops the reasoning from the response (it is still generated). */
  readonly includeReasoning: boolean;
  readonly reasoningEffort: string | undefined;
  readonly addGenerationPrompt: boolean;
  /** `thinking_token_budget` (vLLM) or `max_thinking_tokens` (NIM): reasoning tokens allowed; undefined = default. */
  readonly thinkingTokenBudget: number | undefined;
}

/** OpenAI's bound on `top_logprobs`. */
const MAX_TOP_LOGPROBS = 20;
const ROLES = new Set(["system", "developer", "user", "assistant", "tool"]);

/** Validates a `/v1/chat/completions` body. */
export function parseChatRequest(body: Record<string, unknown>): ChatRequest {
  const params = parseGenerationParams(body);
  if (optionalBoolean(body, "logprobs") === true) throw invalidField("logprobs", "'logprobs' is not supported by this server");
  unsupportedAbove(body, "top_logprobs", 0, MAX_TOP_LOGPROBS);
  optionalBoolean(body, "parallel_tool_calls");
  const rawMessages = body["messages"];
  if (!Array.isArray(rawMessages) || rawMessages.length === 0) {
    throw invalidField("messages", `'messages' must be a non-empty list of messages (got ${describe(rawMessages)})`);
  }
  const tools = body["tools"];
  if (tools !== undefined && tools !== null && !Array.isArray(tools)) {
    throw invalidField("tools", `'tools' must be a list (got ${describe(tools)})`);
  }
  return {
    ...params,
    messages: rawMessages.map((message, index) => parseMessage(message, `messages[${index}]`)),
    tools: Array.isArray(tools) ? tools : undefined,
    chatTemplateKwargs: optionalObject(body, "chat_template_kwargs") ?? {},
    includeReasoning: optionalBoolean(body, "include_reasoning") ?? true,
    reasoningEffort: optionalString(body, "reasoning_effort"),
    addGenerationPrompt: optionalBoolean(body, "add_generation_prompt") ?? true,
    thinkingTokenBudget: thinkingTokenBudget(body),
  };
}

function thinkingTokenBudget(body: Record<string, unknown>): number | undefined {
  const budget = optionalNumber(body, "thinking_token_budget", { integer: true, min: 0 });
  const alias = optionalNumber(body, "max_thinking_tokens", { integer: true, min: 0 });
  if (budget !== undefined && alias !== undefined && budget !== alias) {
    throw invalidField("max_thinking_tokens", `'thinking_token_budget' (${budget}) and 'max_thinking_tokens' (${alias}) disagree; send one of them`);
  }
  return budget ?? alias;
}

function parseMessage(value: unknown, path: string): ChatMessage {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw invalidField(path, `'${path}' must be an object with 'role' and 'content' (got ${describe(value)})`);
  }
  const message = value as Record<string, unknown>;
  const role = message["role"];
  if (typeof role !== "string" || !ROLES.has(role)) {
    throw invalidField(`${path}.role`, `'${path}.role' must be one of ${[...ROLES].join(", ")} (got ${describe(role)})`);
  }
  const toolCalls = parseToolCalls(message["tool_calls"], `${path}.tool_calls`);
  const content = parseContent(message["content"], `${path}.content`, role === "assistant");
  const result: { -readonly [K in keyof ChatMessage]: ChatMessage[K] } = { role, content };
  const name = optionalString(message, "name");
  if (name !== undefined) result.name = name;
  const toolCallId = optionalString(message, "tool_call_id");
  if (toolCallId !== undefined) result.tool_call_id = toolCallId;
  if (toolCalls !== undefined) result.tool_calls = toolCalls;
  if (role === "assistant") {
    const reasoning = optionalString(message, "reasoning") ?? optionalString(message, "reasoning_content");
    if (reasoning !== undefined) {
      result.reasoning = reasoning;
      result.reasoning_content = reasoning;
    }
  }
  return result;
}

function parseContent(value: unknown, path: string, mayBeNull: boolean): string | null {
  if (typeof value === "string") return value;
  if ((value === null || value === undefined) && mayBeNull) return null;
  if (Array.isArray(value)) {
    return value
      .map((part, index) => {
        const item = part as Record<string, unknown> | null;
        if (typeof item !== "object" || item === null || item["type"] !== "text" || typeof item["text"] !== "string") {
          throw invalidField(
            `${path}[${index}]`,
            `'${path}[${index}]' must be a text part {"type":"text","text":"..."}; other content types are not supported (got ${describe(item?.["type"] ?? item)})`,
          );
        }
        return item["text"];
      })
      .join("\n");
  }
  throw invalidField(path, `'${path}' must be a string or a list of text parts (got ${describe(value)})`);
}

function parseToolCalls(value: unknown, path: string): ChatToolCall[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw invalidField(path, `'${path}' must be a list (got ${describe(value)})`);
  return value.map((call, index) => {
    const item = call as Record<string, unknown> | null;
    const fn = item?.["function"] as Record<string, unknown> | undefined;
    if (typeof fn !== "object" || fn === null || typeof fn["name"] !== "string") {
      throw invalidField(`${path}[${index}]`, `'${path}[${index}]' must be {"type":"function","function":{"name","arguments"}}`);
    }
    const id = typeof item?.["id"] === "string" ? item["id"] : undefined;
    return { ...(id !== undefined ? { id } : {}), type: "function", function: { name: fn["name"], arguments: fn["arguments"] } };
  });
}
