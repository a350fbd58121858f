import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

/** lifecycle-utils' `withLock`, the lock node-llama-cpp guards a context's decode loop and KV cache edits with. */
export type WithLock = <T>(scope: readonly unknown[], callback: () => T | Promise<T>) => Promise<T>;

/**
 * Loads `withLock` from the very lifecycle-utils that node-llama-cpp imports (resolved from node-llama-cpp's own
 * location, so both share one lock table). Undefined when it cannot be found; never throws.
 */
export async function loadContextLock(): Promise<WithLock | undefined> {
  try {
    const fromNodeLlamaCpp = createRequire(createRequire(import.meta.url).resolve("node-llama-cpp"));
    const file = fromNodeLlamaCpp.resolve("lifecycle-utils");
    const module = (await import(pathToFileURL(file).href)) as { withLock?: unknown };
    return typeof module.withLock === "function" ? (module.withLock as WithLock) : undefined;
  } catch {
    return undefined;
  }
}
