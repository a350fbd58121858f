import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { deserialize } from "node:v8";
import { INSTANCE_ID_ENV } from "../process/instanceProcesses.js";
import type { SpecLoadResult } from "./readControllerSpec.js";

export type { SpecLoadResult } from "./readControllerSpec.js";

const LOADER_FILE = new URL("./controllerSpecProcess.js", import.meta.url);

/**
 * Loads and validates a config file (target local) into the controller's spec; errors as FILE:LINE:COL lines.
 * Runs `readControllerSpec` in a short-lived child process: the YAML parser, the schema validator, the chat
 * template parser and everything validation allocates never enter the controller. Loaded in the controller they
 * stayed resident for its whole life (~4 MB); in a worker thread the isolate went but glibc kept ~10 MB of what
 * the thread had allocated (bench/README.md, "Controller memory").
 */
export async function loadControllerSpec(path: string): Promise<SpecLoadResult> {
  const loader = fileURLToPath(LOADER_FILE);
  if (!existsSync(loader)) {
    // Running from the TypeScript sources (unit tests): there is no built loader entry next to this file.
    const { readControllerSpec } = await import("./readControllerSpec.js");
    return readControllerSpec(path);
  }
  // Without the instance id: `status` and `shutdown` must not take the loader for one of the instance's replicas.
  const { [INSTANCE_ID_ENV]: _instanceId, ...env } = process.env;
  return new Promise<SpecLoadResult>((resolve, reject) => {
    const options = { env, encoding: "buffer", maxBuffer: 256 << 20 } as const;
    execFile(process.execPath, [loader, path], options, (error, stdout, stderr) => {
      if (error === null) resolve(deserialize(stdout) as SpecLoadResult);
      else reject(new Error(`the config loader process failed (${error.code ?? error.signal}): ${stderr.toString().trim()}`));
    });
  });
}
