import { UnknownReasoningParserError } from "./errors/UnknownReasoningParserError.js";
import type { ReasoningParser, ReasoningParserOptions, ThinkTags } from "./ReasoningParser.js";
import type { ReasoningParserDefinition } from "./ReasoningParserDefinition.js";
import { reasoningParserRegistry } from "./reasoningParserRegistry.js";

/** The names `createReasoningParser` accepts (vLLM's `reasoning_parser` values), sorted. */
export const reasoningParserNames: readonly string[] = Object.freeze(Object.keys(reasoningParserRegistry).sort());

/** The registry entry for `name`; throws `UnknownReasoningParserError` (listing the known names) otherwise. */
export function reasoningParserDefinition(name: string): ReasoningParserDefinition {
  const definition = Object.hasOwn(reasoningParserRegistry, name) ? reasoningParserRegistry[name] : undefined;
  if (!definition) throw new UnknownReasoningParserError(name, reasoningParserNames);
  return definition;
}

/**
 * A parser that splits generated text into reasoning and content with the semantics of vLLM's parser `name`.
 * Create one per request: the options describe that request (its template kwargs and rendered prompt).
 * @throws UnknownReasoningParserError when `name` is not one of `reasoningParserNames`.
 */
export function createReasoningParser(name: string, options: ReasoningParserOptions = {}): ReasoningParser {
  return reasoningParserDefinition(name).create(options);
}

/**
 * The text that closes a thought in parser `name`'s format (see `ReasoningParserDefinition.closeThought`); with
 * configured `thinkTags` that the parser splits on instead of its own, their end string.
 */
export function closeThoughtText(name: string, thinkTags?: ThinkTags): string {
  const definition = reasoningParserDefinition(name);
  return thinkTags !== undefined && definition.configurableTags === true ? thinkTags.end : definition.closeThought;
}
