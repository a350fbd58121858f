import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { SpecLoadResult } from "./readControllerSpec.js";

export type { SpecLoadResult } from "./readControllerSpec.js";

const WORKER_FILE = new URL("./controllerSpecWorker.js", import.meta.url);

/**
 * Loads and validates a config file (target local) into the controller's spec; errors as FILE:LINE:COL lines.
 * Runs `readControllerSpec` in a short-lived worker thread: the YAML parser, the schema validator, the compiled
 * schema and everything validation allocates live in the worker's own V8 heap, which is freed when it ends. Loaded
 * in the controller itself they stayed resident for its whole life (~4 MB; bench/README.md, "End-to-end").
 */
export async function loadControllerSpec(path: string): Promise<SpecLoadResult> {
  if (!existsSync(fileURLToPath(WORKER_FILE))) {
    // Running from the TypeScript sources (unit tests): there is no built worker entry next to this file.
    const { readControllerSpec } = await import("./readControllerSpec.js");
    return readControllerSpec(path);
  }
  return new Promise<SpecLoadResult>((resolve, reject) => {
    let result: SpecLoadResult | undefined;
    const worker = new Worker(WORKER_FILE, { workerData: { path } });
    worker.once("message", (message: SpecLoadResult) => {
      result = message;
    });
    worker.once("error", reject);
    // Settle on exit, not on the message: the worker's memory is given back by then.
    worker.once("exit", (code) => {
      if (result !== undefined) resolve(result);
      else reject(new Error(`the config loader thread exited with code ${code} without a result`));
    });
  });
}
