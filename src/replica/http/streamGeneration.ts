import type { ServerResponse } from "node:http";
import type { Token } from "node-llama-cpp";
import type { Engine } from "../engine/Engine.js";
import { runGeneration, type RunGenerationOptions, type RunGenerationResult } from "../engine/runGeneration.js";
import { createSseWriter, type SseWriter } from "./createSseWriter.js";
import { OpenAIHttpError } from "./OpenAIHttpError.js";
import type { GenerationParams } from "../engine/GenerationParams.js";

/**
 * Runs one generation as a server-sent event stream. The stream opens once a sequence is assigned (`onStart` may
 * send a first chunk); each piece of text goes to `onText`, and generation waits until the client has taken it.
 * A failure before the stream opened is thrown (answered as a plain error); after, it is sent as an OpenAI error
 * event, the stream ends, and the result is undefined. Otherwise the caller sends its last chunks and ends `sse`.
 */
export async function streamGeneration(
  res: ServerResponse,
  engine: Engine,
  promptTokens: readonly Token[],
  params: GenerationParams,
  options: Omit<RunGenerationOptions, "onStart" | "onText"> & {
    onStart?: (sse: SseWriter) => void;
    onText: (text: string, sse: SseWriter) => void;
    /** Ends the stream after a failure; defaults to an OpenAI error event then `[DONE]`. */
    onFailure?: (error: OpenAIHttpError, sse: SseWriter) => void;
  },
): Promise<{ result: RunGenerationResult; sse: SseWriter } | undefined> {
  let sse: SseWriter | undefined;
  let result: RunGenerationResult;
  try {
    result = await runGeneration(engine, promptTokens, params, {
      ...options,
      onStart: () => {
        sse = createSseWriter(res);
        options.onStart?.(sse);
      },
      onText: (text) => {
        if (sse === undefined) return undefined;
        options.onText(text, sse);
        return sse.drained();
      },
    });
  } catch (error) {
    if (sse === undefined) throw error;
    const failure = new OpenAIHttpError(500, error instanceof Error ? error.message : String(error));
    if (options.onFailure !== undefined) options.onFailure(failure, sse);
    else {
      sse.send(failure.toJSON());
      sse.done();
    }
    return undefined;
  }
  const writer = sse as SseWriter | undefined;
  return writer === undefined ? undefined : { result, sse: writer };
}
