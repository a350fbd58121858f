import { StructuredOutputError } from "./StructuredOutputError.js";
import { gbnfLiteral } from "./gbnfText.js";

/** vLLM's guided_choice: the output is exactly one of the given strings. */
export function choiceToGbnf(choices: unknown, param = "guided_choice"): string {
  if (!Array.isArray(choices) || choices.length === 0 || !choices.every((choice) => typeof choice === "string")) {
    throw new StructuredOutputError(`${param} must be a non-empty array of strings.`, param);
  }
  return `root ::= ${choices.map((choice) => gbnfLiteral(choice)).join(" | ")}\n`;
}
