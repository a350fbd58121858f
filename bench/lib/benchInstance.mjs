// A temporary LLMSERVE_HOME with a serve config for one bench model, and the clean-up of whatever runs from it.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { forceStop, writeServeConfig } from "./llmserveCli.mjs";
import { freePort } from "./processes.mjs";

/**
 * Writes `bench.yaml` (one replica of `modelPath` as `modelId`, on a free port) into a new temporary home. The
 * controller `run` starts from it is not our child: `cleanup()` stops every pid put into `instance.pids` and removes
 * the home; it also runs on any exit (an uncaught error such as EPIPE on a closed stdout, Ctrl-C via processes.mjs).
 */
export async function prepareBenchInstance(root, prefix, modelId, modelPath, { slots, contextPerSlot, threads }) {
  const home = mkdtempSync(path.join(os.tmpdir(), prefix));
  const configPath = writeServeConfig(path.join(home, "bench.yaml"), { modelId, modelPath, port: await freePort(), slots, contextPerSlot, threads });
  const instance = {
    home,
    configPath,
    pids: [],
    cleanup() {
      forceStop(root, home, instance.pids);
      process.off("exit", instance.cleanup);
      rmSync(home, { recursive: true, force: true });
    },
  };
  process.once("exit", instance.cleanup);
  return instance;
}

/** The settings the e2e and short-completions benches share for their one served model (`defaults`: rounds, repeat). */
export function servedModelSettings(model, options, defaults) {
  const streams = options.streams ?? [1, 4, 16];
  return {
    model: model.name,
    threads: options.threads ?? os.availableParallelism(),
    slots: options.slots ?? Math.max(...streams),
    contextPerSlot: options.contextPerSlot ?? 1024,
    tokens: options.tokens ?? 32,
    streams,
    rounds: options.rounds ?? defaults.rounds,
    repeat: options.repeat ?? defaults.repeat,
    settleMs: 300,
  };
}
