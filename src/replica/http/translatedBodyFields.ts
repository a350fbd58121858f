import { invalidField } from "./OpenAIHttpError.js";
import { describe } from "./requestFields.js";

type Json = Record<string, unknown>;

/** `item[name]` as a string, or a 400 naming `path.name` (for the Responses and Anthropic request translators). */
export function stringField(item: Json, name: string, path: string): string {
  const value = item[name];
  if (typeof value !== "string") throw invalidField(`${path}.${name}`, `'${path}.${name}' must be a string (got ${describe(value)})`);
  return value;
}

/**
 * The chat-completions function tool for each entry of `tools`: `accepts(item)` says whether an entry is a function
 * tool in the source API (else a 400 with `refusal(type)`), `schemaKey` names its JSON Schema field.
 */
export function chatFunctionTools(
  tools: unknown,
  accepts: (item: Json) => boolean,
  schemaKey: string,
  refusal: (type: unknown) => string,
): Json[] {
  if (!Array.isArray(tools)) throw invalidField("tools", `'tools' must be a list (got ${describe(tools)})`);
  return tools.map((tool, index) => {
    const item = tool as Json | null;
    if (typeof item !== "object" || item === null || !accepts(item)) throw invalidField(`tools[${index}]`, `'tools[${index}]' ${refusal(item?.["type"])}`);
    return {
      type: "function",
      function: {
        name: stringField(item, "name", `tools[${index}]`),
        ...(typeof item["description"] === "string" ? { description: item["description"] } : {}),
        parameters: item[schemaKey] ?? { type: "object", properties: {} },
      },
    };
  });
}
