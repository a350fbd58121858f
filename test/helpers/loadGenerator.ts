import OpenAI from "openai";

export interface LoadResult {
  succeeded: number;
  failures: string[];
}

export interface Load {
  /** Stops issuing requests and resolves once the ones in flight have finished. */
  stop: () => Promise<LoadResult>;
}

/**
 * `workers` clients that each send one completion after another (loop model, `maxTokens` tokens) until stopped or
 * `maxDurationMs` has passed, so the deployment sees about `workers` ongoing requests the whole time.
 */
export function startLoad(options: { baseURL: string; model: string; workers: number; maxTokens: number; maxDurationMs: number }): Load {
  const client = new OpenAI({ baseURL: options.baseURL, apiKey: "unused", maxRetries: 0, timeout: 60_000 });
  const deadline = Date.now() + options.maxDurationMs;
  let stopped = false;
  const result: LoadResult = { succeeded: 0, failures: [] };
  const worker = async (): Promise<void> => {
    while (!stopped && Date.now() < deadline) {
      try {
        const completion = await client.completions.create({ model: options.model, prompt: "x", max_tokens: options.maxTokens });
        if (completion.usage?.completion_tokens === options.maxTokens) result.succeeded++;
        else result.failures.push(`short completion: ${JSON.stringify(completion.usage)}`);
      } catch (error) {
        result.failures.push(String(error));
      }
    }
  };
  const running = Promise.all(Array.from({ length: options.workers }, worker));
  return {
    stop: async () => {
      stopped = true;
      await running;
      return result;
    },
  };
}
