import { invalidField } from "../OpenAIHttpError.js";
import { describe } from "../requestFields.js";
import { chatFunctionTools, stringField } from "../translatedBodyFields.js";

type Json = Record<string, unknown>;

/**
 * Translates an Anthropic Messages request into the chat-completions body the replica serves, so both share one
 * generation path: `system` → a system message; `tool_result` blocks → `tool` messages (before the user's text);
 * assistant `thinking` → `reasoning_content`, `tool_use` → `tool_calls`; `tools` → functions; `tool_choice` auto /
 * any / tool / none → auto / required / named / none; `thinking` enabled → `thinking_token_budget` = budget_tokens
 * (and the template's thinking switches on), disabled → 0 (thinking off); `stop_sequences` → `stop`. Throws a 400
 * naming the field at fault.
 */
export function messagesToChatBody(body: Json): Json {
  const chat: Json = {
    model: body["model"],
    messages: [...systemMessages(body["system"]), ...conversation(body["messages"])],
    stream: body["stream"] ?? false,
  };
  if (body["max_tokens"] !== undefined) chat["max_tokens"] = body["max_tokens"];
  for (const [from, to] of [["temperature", "temperature"], ["top_p", "top_p"], ["top_k", "top_k"], ["stop_sequences", "stop"]] as const) {
    if (body[from] !== undefined && body[from] !== null) chat[to] = body[from];
  }
  if (chat["stream"] === true) chat["stream_options"] = { include_usage: true };
  const tools = body["tools"];
  if (tools !== undefined && tools !== null) chat["tools"] = functionTools(tools);
  const choice = body["tool_choice"];
  if (choice !== undefined && choice !== null) Object.assign(chat, toolChoice(choice));
  const budget = thinkingBudget(body["thinking"]);
  if (budget !== undefined) chat["thinking_token_budget"] = budget;
  // Asking for thinking switches it on even where the model's default template kwargs turned it off.
  if (budget !== undefined && budget > 0) chat["chat_template_kwargs"] = { enable_thinking: true, thinking: true };
  return chat;
}

function systemMessages(system: unknown): Json[] {
  if (system === undefined || system === null) return [];
  if (typeof system === "string") return system === "" ? [] : [{ role: "system", content: system }];
  if (Array.isArray(system)) return [{ role: "system", content: textOf(system, "system") }];
  throw invalidField("system", `'system' must be a string or a list of text blocks (got ${describe(system)})`);
}

function conversation(messages: unknown): Json[] {
  if (!Array.isArray(messages) || messages.length === 0) {
    throw invalidField("messages", `'messages' must be a non-empty list of messages (got ${describe(messages)})`);
  }
  return messages.flatMap((message, index) => {
    const path = `messages[${index}]`;
    if (typeof message !== "object" || message === null) throw invalidField(path, `'${path}' must be an object with 'role' and 'content'`);
    const { role, content } = message as Json;
    if (role === "user") return userMessages(content, `${path}.content`);
    if (role === "assistant") return [assistantMessage(content, `${path}.content`)];
    throw invalidField(`${path}.role`, `'${path}.role' must be "user" or "assistant" (got ${describe(role)})`);
  });
}

function blocksOf(content: unknown, path: string): Json[] {
  if (typeof content === "string") return [{ type: "text", text: content }];
  if (!Array.isArray(content)) throw invalidField(path, `'${path}' must be a string or a list of content blocks (got ${describe(content)})`);
  return content.map((block, index) => {
    if (typeof block !== "object" || block === null || typeof (block as Json)["type"] !== "string") {
      throw invalidField(`${path}[${index}]`, `'${path}[${index}]' must be a content block with a 'type'`);
    }
    return block as Json;
  });
}

function userMessages(content: unknown, path: string): Json[] {
  const blocks = blocksOf(content, path);
  const results: Json[] = [];
  const texts: string[] = [];
  blocks.forEach((block, index) => {
    const where = `${path}[${index}]`;
    if (block["type"] === "text") texts.push(stringField(block, "text", where));
    else if (block["type"] === "tool_result") {
      const result = block["content"];
      const text = result === undefined || result === null ? "" : typeof result === "string" ? result : textOf(result, `${where}.content`);
      results.push({ role: "tool", tool_call_id: stringField(block, "tool_use_id", where), content: block["is_error"] === true ? `Error: ${text}` : text });
    } else {
      throw invalidField(where, `'${where}' has type ${describe(block["type"])}; user messages take text and tool_result blocks here`);
    }
  });
  return texts.length > 0 ? [...results, { role: "user", content: texts.join("\n") }] : results;
}

function assistantMessage(content: unknown, path: string): Json {
  const texts: string[] = [];
  const thoughts: string[] = [];
  const calls: Json[] = [];
  blocksOf(content, path).forEach((block, index) => {
    const where = `${path}[${index}]`;
    switch (block["type"]) {
      case "text":
        texts.push(stringField(block, "text", where));
        break;
      case "thinking":
        thoughts.push(stringField(block, "thinking", where));
        break;
      case "redacted_thinking":
        break;
      case "tool_use":
        calls.push({
          id: stringField(block, "id", where),
          type: "function",
          function: { name: stringField(block, "name", where), arguments: JSON.stringify(block["input"] ?? {}) },
        });
        break;
      default:
        throw invalidField(where, `'${where}' has type ${describe(block["type"])}; assistant messages take text, thinking and tool_use blocks`);
    }
  });
  return {
    role: "assistant",
    content: texts.length > 0 ? texts.join("") : null,
    ...(thoughts.length > 0 ? { reasoning_content: thoughts.join("") } : {}),
    ...(calls.length > 0 ? { tool_calls: calls } : {}),
  };
}

function textOf(blocks: unknown, path: string): string {
  return blocksOf(blocks, path)
    .map((block, index) => {
      if (block["type"] !== "text") throw invalidField(`${path}[${index}]`, `'${path}[${index}]' must be a text block (got type ${describe(block["type"])})`);
      return stringField(block, "text", `${path}[${index}]`);
    })
    .join("\n");
}

function functionTools(tools: unknown): Json[] {
  return chatFunctionTools(tools, (item) => item["type"] === undefined || item["type"] === null || item["type"] === "custom", "input_schema", (type) => `must be a custom tool {name, description, input_schema}; server tools (type ${describe(type)}) are not available here`);
}

function toolChoice(choice: unknown): Json {
  const item = choice as Json;
  const parallel = item["disable_parallel_tool_use"] === true ? { parallel_tool_calls: false } : {};
  switch (item?.["type"]) {
    case "auto":
      return { tool_choice: "auto", ...parallel };
    case "any":
      return { tool_choice: "required", ...parallel };
    case "none":
      return { tool_choice: "none" };
    case "tool":
      return { tool_choice: { type: "function", function: { name: stringField(item, "name", "tool_choice") } }, ...parallel };
    default:
      throw invalidField("tool_choice", `'tool_choice.type' must be auto, any, tool or none (got ${describe(item?.["type"])})`);
  }
}

function thinkingBudget(thinking: unknown): number | undefined {
  if (thinking === undefined || thinking === null) return undefined;
  const item = thinking as Json;
  if (item["type"] === "disabled") return 0;
  if (item["type"] === "adaptive") return undefined;
  if (item["type"] === "enabled") {
    const budget = item["budget_tokens"];
    if (typeof budget !== "number" || !Number.isInteger(budget) || budget < 0) {
      throw invalidField("thinking.budget_tokens", `'thinking.budget_tokens' must be a non-negative integer (got ${describe(budget)})`);
    }
    return budget;
  }
  throw invalidField("thinking.type", `'thinking.type' must be enabled, disabled or adaptive (got ${describe(item["type"])})`);
}
