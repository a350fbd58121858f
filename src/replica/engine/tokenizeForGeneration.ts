import type { Token } from "node-llama-cpp";
import { InvalidRequestError } from "../errors/InvalidRequestError.js";
import type { Engine } from "./Engine.js";
import { tokenizePrompt } from "./tokenizePrompt.js";

/**
 * Tokenizes a prompt that is to be generated from, refusing (400 `context_length_exceeded`) one whose length in
 * bytes alone proves it cannot fit the context: tokenizing blocks the event loop (seconds for megabytes), so a
 * 15 MiB prompt sent to an 8192-token model must not hold up the requests behind it. The exact token check
 * follows in `runGeneration`.
 */
export function tokenizeForGeneration(
  engine: Pick<Engine, "model" | "contextSize" | "maxBytesPerToken">,
  prompt: string,
  param: "messages" | "prompt",
): Token[] {
  if (engine.maxBytesPerToken !== undefined) {
    const bytes = Buffer.byteLength(prompt);
    const leastTokens = Math.ceil(bytes / engine.maxBytesPerToken);
    if (leastTokens >= engine.contextSize) {
      throw new InvalidRequestError(
        `This model's maximum context length is ${engine.contextSize} tokens. However, your prompt is ${bytes} bytes ` +
          `long, which is at least ${leastTokens} tokens for this model (none of its tokens stands for more than ` +
          `${engine.maxBytesPerToken} bytes). Please reduce the length of the ${param === "messages" ? "messages" : "prompt"}.`,
        param,
        "context_length_exceeded",
      );
    }
  }
  return tokenizePrompt(engine.model, prompt);
}
