import { readFileSync } from "node:fs";
import { join } from "node:path";
import OpenAI from "openai";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ControllerState } from "../../src/protocol/ControllerState.js";
import {
  createControllerSandbox,
  liveState,
  llmserve,
  onlyDeployment,
  processesOfHome,
  removeControllerSandbox,
  replicasIn,
  waitFor,
  writeServeConfig,
} from "../helpers/controllerHarness.js";
import { startLoad } from "../helpers/loadGenerator.js";
import { ensureLoopModel } from "../models/ensureLoopModel.js";

// Issue 6, autoscaling end to end: the real `llmserve replica` on the never-ending loop model (each request runs
// exactly max_tokens), a load from the test, Ray's policy with delays of about a second.
describe("autoscaling through llmserve run", () => {
  let model: string;
  let home: { path: string; remove: () => void };
  let dir: string;
  let port: number;
  let watching = true;
  const seen: string[] = [];

  beforeAll(() => {
    model = ensureLoopModel();
  });
  beforeEach(async () => {
    ({ home, dir, port } = await createControllerSandbox("as"));
    seen.length = 0;
    watching = true;
  });
  afterEach(() => {
    watching = false;
    removeControllerSandbox({ home, dir, port });
  });

  /** Records every deployment status and message the controller reports, every 50 ms, until the test ends. */
  const watchStatus = (): void => {
    void (async () => {
      while (watching) {
        const deployment = onlyDeployment(await liveState(home.path));
        if (deployment !== undefined) {
          const line = `${deployment.status} ${deployment.message}`;
          if (seen[seen.length - 1] !== line) seen.push(line);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
  };
  const deploymentNow = async () => onlyDeployment(await liveState(home.path));
  const controllerLog = (): string => readFileSync(join(home.path, "logs", "controller.log"), "utf8");

  it("should scale up to max under load, back down, to zero, and cold-start on the next request", async () => {
    const config = writeServeConfig(join(dir, "app.yaml"), port, [{
      name: "app",
      models: [{
        id: "loop",
        source: model,
        engineKwargs: { max_model_len: 2048, max_num_seqs: 4 },
        deploymentConfig: {
          autoscaling_config: {
            min_replicas: 0,
            initial_replicas: 1,
            max_replicas: 2,
            target_ongoing_requests: 1,
            upscale_delay_s: 0.5,
            downscale_delay_s: 1,
            downscale_to_zero_delay_s: 3,
            metrics_interval_s: 0.1,
            look_back_period_s: 0.5,
          },
        },
      }],
    }]);
    const run = await llmserve(["run", config, "--non-blocking"], home.path);
    expect(run.exitCode, String(run.stderr)).toBe(0);
    watchStatus();

    // Three clients back to back: about 3 ongoing requests against a target of 1 per replica -> max (2).
    const load = startLoad({ baseURL: `http://127.0.0.1:${port}/v1`, model: "loop", workers: 3, maxTokens: 1000, maxDurationMs: 40_000 });
    await waitFor("2 replicas running", async () => replicasIn(await deploymentNow(), "ready").length === 2, 40_000);
    const result = await load.stop();
    expect(result.failures).toEqual([]);
    expect(result.succeeded).toBeGreaterThan(3);
    expect(seen).toContain("UPSCALING Upscaling from 1 to 2 replicas.");
    expect(controllerLog()).toContain("app/loop: Upscaling from 1 to 2 replicas");

    // No load: down to 1 after downscale_delay_s, then to 0 after downscale_to_zero_delay_s; the processes go.
    await waitFor("1 replica left", async () => (await deploymentNow())?.replicas.length === 1, 20_000);
    const zero = await waitFor("no replica left", async () => {
      const deployment = await deploymentNow();
      return deployment?.replicas.length === 0 && deployment.targetReplicas === 0 ? deployment : undefined;
    }, 20_000);
    expect(zero.status).toBe("HEALTHY");
    expect(controllerLog()).toMatch(/app\/loop: Downscaling from 2 to 1 replicas[^\n]*\n(.*\n)*.*app\/loop: Downscaling from 1 to 0 replicas/);
    const state = (await liveState(home.path)) as ControllerState;
    await waitFor("only the controller left", () => {
      const pids = processesOfHome(home.path);
      return pids.length === 1 && pids[0] === state.controller.pid;
    }, 10_000);

    // Scale from zero: the request waits for a replica to start instead of failing.
    const client = new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: "unused", maxRetries: 0, timeout: 60_000 });
    const cold = await client.completions.create({ model: "loop", prompt: "x", max_tokens: 5 });
    expect(cold.choices[0]?.text).toMatch(/^[a-z]{5}$/);
    expect(cold.usage?.completion_tokens).toBe(5);
    expect(controllerLog()).toContain("app/loop: Upscaling from 0 to 1 replicas");
    expect(replicasIn(await deploymentNow(), "ready")).toHaveLength(1);

    const shutdown = await llmserve(["shutdown", "-y"], home.path);
    expect(shutdown.exitCode).toBe(0);
  }, 120_000);
});
