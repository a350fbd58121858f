import { readFileSync } from "node:fs";
import { join } from "node:path";
import OpenAI from "openai";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ReplicaRecord } from "../../src/protocol/ControllerState.js";
import {
  createControllerSandbox,
  liveState,
  llmserve,
  onlyDeployment,
  removeControllerSandbox,
  replicasIn,
  waitFor,
  writeServeConfig,
} from "../helpers/controllerHarness.js";
import { startLoad } from "../helpers/loadGenerator.js";
import { ensureLoopModel } from "../models/ensureLoopModel.js";

// Issue 6: the controller's queue (max_ongoing_requests per replica, FIFO, max_queued_requests -> 503) and the
// draining of a replica chosen for removal, with the real replica on the never-ending loop model.
describe("the controller's queue and draining", () => {
  let model: string;
  let home: { path: string; remove: () => void };
  let dir: string;
  let port: number;

  beforeAll(() => {
    model = ensureLoopModel();
  });
  beforeEach(async () => {
    ({ home, dir, port } = await createControllerSandbox("asq"));
  });
  afterEach(() => {
    removeControllerSandbox({ home, dir, port });
  });

  const client = (): OpenAI => new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: "unused", maxRetries: 0, timeout: 60_000 });
  const deploymentNow = async () => onlyDeployment(await liveState(home.path));

  it("should hold requests beyond max_ongoing_requests in the queue and refuse beyond max_queued_requests with a 503", async () => {
    const config = writeServeConfig(join(dir, "app.yaml"), port, [{
      name: "app",
      models: [{
        id: "loop",
        source: model,
        engineKwargs: { max_model_len: 8192, max_num_seqs: 1 },
        deploymentConfig: { max_ongoing_requests: 1, max_queued_requests: 1 },
      }],
    }]);
    const run = await llmserve(["run", config, "--non-blocking"], home.path);
    expect(run.exitCode, String(run.stderr)).toBe(0);

    // A long stream takes the only slot; the next request waits in the controller's queue; the third is refused.
    const long = await client().completions.create({ model: "loop", prompt: "x", max_tokens: 8000, stream: true });
    await waitFor("the slot taken", async () => (await deploymentNow())?.replicas[0]?.ongoingRequests === 1);
    const queued = client().completions.create({ model: "loop", prompt: "x", max_tokens: 5 });
    await waitFor("one request queued", async () => (await deploymentNow())?.queuedRequests === 1);
    const refused = await client().completions.create({ model: "loop", prompt: "x", max_tokens: 5 }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OpenAI.APIError);
    expect(refused).toMatchObject({ status: 503, error: { type: "server_error", code: "queue_full", param: null } });
    expect((refused as InstanceType<typeof OpenAI.APIError>).message).toMatch(/max_queued_requests 1/);
    expect((refused as InstanceType<typeof OpenAI.APIError>).headers?.get("retry-after")).toBe("1");
    expect((await deploymentNow())?.replicas[0]?.ongoingRequests).toBe(1);

    let tokens = 0;
    for await (const chunk of long) tokens += chunk.choices[0]?.text.length ?? 0;
    expect(tokens).toBe(8000);
    const after = await queued;
    expect(after.usage?.completion_tokens).toBe(5);
    expect((await deploymentNow())?.queuedRequests).toBe(0);
  });

  it("should drain the replica chosen for removal: no failed request, and it stops only after its in-flight ones", async () => {
    const config = writeServeConfig(join(dir, "app.yaml"), port, [{
      name: "app",
      models: [{
        id: "loop",
        source: model,
        engineKwargs: { max_model_len: 8192, max_num_seqs: 2 },
        deploymentConfig: {
          graceful_shutdown_timeout_s: 20,
          max_ongoing_requests: 2,
          autoscaling_config: {
            min_replicas: 1,
            initial_replicas: 2,
            max_replicas: 2,
            target_ongoing_requests: 6,
            upscale_delay_s: 1,
            downscale_delay_s: 2,
            metrics_interval_s: 0.1,
            look_back_period_s: 0.5,
          },
        },
      }],
    }]);
    const run = await llmserve(["run", config, "--non-blocking"], home.path);
    expect(run.exitCode, String(run.stderr)).toBe(0);

    // Six clients back to back against two replicas that take two requests each: both replicas are always full (the
    // controller hands a waiting request to a replica the moment one of its requests ends), 6 ongoing against a target
    // of 6 per replica -> 1 replica. The drain policy picks the replica with the fewest in flight; with both always
    // full, the one it picks has requests in flight (with fewer clients, two requests started together on one replica
    // end on the same decode step and leave it empty for the client's round trip, which a slow machine stretches).
    const load = startLoad({ baseURL: `http://127.0.0.1:${port}/v1`, model: "loop", workers: 6, maxTokens: 3000, maxDurationMs: 60_000 });
    const draining = await waitFor("a replica draining with a request in flight", async () => {
      const stopping = replicasIn(await deploymentNow(), "stopping");
      return stopping.find((replica) => replica.ongoingRequests > 0);
    }, 30_000, 20).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${readFileSync(join(home.path, "logs", "controller.log"), "utf8").slice(-3000)}`);
    });
    const pidAlive = (pid: number): boolean => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    expect(pidAlive(draining.pid)).toBe(true);
    await waitFor("the drained replica gone", async () => {
      const replicas: ReplicaRecord[] = (await deploymentNow())?.replicas ?? [];
      return !replicas.some((replica) => replica.id === draining.id) && !pidAlive(draining.pid);
    }, 30_000);
    const deployment = await deploymentNow();
    expect(replicasIn(deployment, "ready")).toHaveLength(1);
    // Every request succeeded with all its tokens, the drained replica's in-flight ones included.
    const result = await load.stop();
    expect(result.failures).toEqual([]);
    const log = readFileSync(join(home.path, "logs", "controller.log"), "utf8");
    expect(log).toContain("app/loop: Downscaling from 2 to 1 replicas");
    expect(log).toMatch(new RegExp(`app/loop: draining replica ${draining.id}: no new requests, [12] in flight to finish first`));
  }, 90_000);
});
