import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  createControllerSandbox,
  liveState,
  llmserve,
  onlyDeployment,
  removeControllerSandbox,
  replicasIn,
  waitFor,
  writeServeConfig,
  type ControllerSandbox,
  type TestModel,
} from "../helpers/controllerHarness.js";
import { REPO_ROOT } from "../helpers/cli.js";
import { ensureLoopModel } from "../models/ensureLoopModel.js";
import { ensureScriptedReasoningModel } from "../models/ensureScriptedReasoningModel.js";

const PROMTOOL = ["/usr/bin/promtool", "/usr/local/bin/promtool"].find((path) => existsSync(path));

/** The value of one series in a Prometheus exposition (labels matched as written, in any order). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split("\n")) {
    if (line.startsWith("#")) continue;
    const match = /^([^{\s]+)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (match === null || match[1] !== name) continue;
    const given = Object.fromEntries([...(match[2] ?? "").matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([key, value]) => given[key] === value)) return Number(match[3]);
  }
  return undefined;
}

// /metrics, the access log and logging_config through the real controller and the real replica (loop model).
describe("observability", () => {
  let model: string;
  let sandbox: ControllerSandbox;

  beforeAll(() => {
    model = ensureLoopModel();
  });
  beforeEach(async () => {
    sandbox = await createControllerSandbox("obs");
  });
  afterEach(() => {
    removeControllerSandbox(sandbox);
  });

  const client = (): OpenAI =>
    new OpenAI({ baseURL: `http://127.0.0.1:${sandbox.port}/v1`, apiKey: "unused", maxRetries: 0, timeout: 60_000 });
  const scrape = async (): Promise<string> => {
    const response = await fetch(`http://127.0.0.1:${sandbox.port}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    return response.text();
  };
  const start = async (loop: Partial<TestModel>, logging: Record<string, unknown>): Promise<string> => {
    const path = writeServeConfig(join(sandbox.dir, "app.yaml"), sandbox.port, [
      { name: "app", models: [{ id: "loop", source: model, engineKwargs: { max_model_len: 4096, max_num_seqs: 1 }, ...loop }] },
    ]);
    const config = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
    writeFileSync(path, JSON.stringify({ ...config, logging_config: logging }));
    const run = await llmserve(["run", path, "--non-blocking"], sandbox.home.path);
    expect(run.exitCode, String(run.stderr)).toBe(0);
    return join(sandbox.home.path, "logs", "controller.log");
  };

  it("should count exactly the tokens the responses report, observe every request, pass promtool and log JSON lines", async () => {
    const log = await start({}, { encoding: "JSON", log_level: "DEBUG" });
    const api = client();
    const usages: { prompt: number; completion: number }[] = [];
    const plain = await api.completions.create({ model: "loop", prompt: "one two", max_tokens: 7 });
    usages.push({ prompt: plain.usage!.prompt_tokens, completion: plain.usage!.completion_tokens });
    const chat = await api.chat.completions.create({ model: "loop", messages: [{ role: "user", content: "hi" }], max_tokens: 5 }).withResponse();
    usages.push({ prompt: chat.data.usage!.prompt_tokens, completion: chat.data.usage!.completion_tokens });
    expect(chat.response.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    // A stream without include_usage: the timings object in its last chunk is where a client reads the counts.
    const stream = await api.completions.create({ model: "loop", prompt: "a b c", max_tokens: 9, stream: true },
      { headers: { "x-request-id": "my-request-1" } });
    let timings: { prompt_n: number; predicted_n: number } | undefined;
    for await (const chunk of stream) timings ??= (chunk as unknown as { timings?: typeof timings }).timings;
    expect(timings).toBeDefined();
    usages.push({ prompt: timings!.prompt_n, completion: timings!.predicted_n });
    expect(plain).toHaveProperty("timings.predicted_n", plain.usage!.completion_tokens);

    const text = await scrape();
    const labels = { model_name: "loop" };
    expect(sample(text, "vllm:prompt_tokens_total", labels)).toBe(usages.reduce((sum, u) => sum + u.prompt, 0));
    expect(sample(text, "vllm:generation_tokens_total", labels)).toBe(usages.reduce((sum, u) => sum + u.completion, 0));
    expect(sample(text, "vllm:request_success_total", { ...labels, finished_reason: "length" })).toBe(3);
    for (const histogram of ["vllm:e2e_request_latency_seconds", "vllm:time_to_first_token_seconds", "vllm:request_queue_time_seconds"]) {
      expect(sample(text, `${histogram}_count`, labels), histogram).toBe(3);
    }
    expect(sample(text, "vllm:inter_token_latency_seconds_count", labels)).toBe(usages.reduce((sum, u) => sum + u.completion - 1, 0));
    expect(sample(text, "vllm:num_requests_running", labels)).toBe(0);
    expect(sample(text, "llmserve:replicas", { application: "app", state: "RUNNING" })).toBe(1);

    // The Grafana dashboard under docs/ reads only series this exposition has.
    const dashboard = readFileSync(join(REPO_ROOT, "docs", "grafana-dashboard.json"), "utf8");
    const read = new Set([...dashboard.matchAll(/((?:vllm|llmserve):[a-z0-9_]+|ray_serve_[a-z0-9_]+)/g)].map((m) => m[1]!.replace(/_bucket$/, "")));
    expect([...read].filter((name) => !text.includes(`# TYPE ${name} `))).toEqual([]);

    if (PROMTOOL === undefined) {
      console.warn("promtool is not installed here: `promtool check metrics` skipped (CI installs the prometheus package)");
    } else {
      // promtool parses the exposition and lints it. Two lints are the reference systems' own names, which dashboards
      // rely on: colons (vLLM's vllm:*, whose /metrics gets the same) and Ray Serve's ray_serve_http_request_latency_ms.
      // Anything else, a parse error included, fails.
      const check = spawnSync(PROMTOOL, ["check", "metrics"], { input: text, encoding: "utf8" });
      const problems = `${check.stdout}${check.stderr}`.split("\n").filter((line) => line !== "");
      expect(problems.filter((line) => !/^\S+ metric names should not contain ':'$/.test(line) &&
        line !== "ray_serve_http_request_latency_ms metric names should not contain abbreviated units"), problems.join("\n")).toEqual([]);
      expect(check.status === 0 || problems.length > 0).toBe(true);
    }

    await waitFor("the access lines", () => readFileSync(log, "utf8").includes("my-request-1"));
    const lines = readFileSync(log, "utf8").split("\n").filter((line) => line !== "");
    const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const access = records.filter((r) => r["logger"] === "access" && r["route"] !== "/metrics");
    expect(access).toHaveLength(3);
    expect(access[2]).toMatchObject({ request_id: "my-request-1", method: "POST", route: "/v1/completions", model: "loop", status: 200,
      prompt_tokens: usages[2]!.prompt, completion_tokens: usages[2]!.completion, reasoning_tokens: 0, client: "127.0.0.1" });
    for (const record of access) {
      expect(typeof record["total_ms"]).toBe("number");
      expect(typeof record["ttft_ms"]).toBe("number");
    }
    // log_level DEBUG adds where each request went.
    const routing = records.filter((r) => r["level"] === "DEBUG" && String(r["message"]).includes("my-request-1"));
    const deployment = onlyDeployment(await liveState(sandbox.home.path))!;
    expect(routing.map((r) => r["message"])).toEqual([
      `request my-request-1 model=loop routed to app/${deployment.name} replica ${deployment.replicas[0]!.id} (attempt 1, queued 0 ms) -> 200`,
    ]);
  });

  it("should count the usage of /v1/responses and /v1/messages, streamed or not, and show TOKENS/S in status right after", async () => {
    const log = await start({ id: "scripted", source: ensureScriptedReasoningModel() }, { encoding: "JSON" });
    const replicaRow = async (): Promise<{ table: string; rate: number }> => {
      const table = await llmserve(["status", "-o", "table"], sandbox.home.path);
      const json = await llmserve(["status", "-o", "json"], sandbox.home.path);
      expect(table.exitCode).toBe(0);
      const report = JSON.parse(String(json.stdout)) as { applications: Record<string, { deployments: Record<string, { replicas: { tokens_per_second: number }[] }> }> };
      return { table: String(table.stdout), rate: Object.values(report.applications["app"]!.deployments)[0]!.replicas[0]!.tokens_per_second };
    };
    const idle = await replicaRow();
    expect(idle.rate).toBe(0);
    expect(idle.table).toMatch(/TOKENS\/S/);
    expect(idle.table.split("\n")[1]).toMatch(/ 0 +0 +- +0$/); // ongoing, queued, tokens/s, restarts

    const openai = client();
    const anthropic = new Anthropic({ baseURL: `http://127.0.0.1:${sandbox.port}`, apiKey: "unused", maxRetries: 0, timeout: 60_000 });
    const usages: { route: string; prompt: number; completion: number; reasoning: number }[] = [];
    const response = await openai.responses.create({ model: "scripted", input: "hello" });
    usages.push({ route: "/v1/responses", prompt: response.usage!.input_tokens, completion: response.usage!.output_tokens,
      reasoning: response.usage!.output_tokens_details.reasoning_tokens });
    const events = await openai.responses.create({ model: "scripted", input: "hello", max_output_tokens: 5, stream: true });
    let cut: OpenAI.Responses.Response | undefined;
    for await (const event of events) if (event.type === "response.incomplete") cut = event.response;
    usages.push({ route: "/v1/responses", prompt: cut!.usage!.input_tokens, completion: cut!.usage!.output_tokens,
      reasoning: cut!.usage!.output_tokens_details.reasoning_tokens });
    const params = { model: "scripted", max_tokens: 100, messages: [{ role: "user" as const, content: "hello" }] };
    const message = await anthropic.messages.create(params);
    usages.push({ route: "/v1/messages", prompt: message.usage.input_tokens, completion: message.usage.output_tokens, reasoning: 0 });
    const streamed = await anthropic.messages.stream(params).finalMessage();
    usages.push({ route: "/v1/messages", prompt: streamed.usage.input_tokens, completion: streamed.usage.output_tokens, reasoning: 0 });
    const busy = await replicaRow();

    expect(usages[0]!.reasoning).toBeGreaterThan(0);
    expect(usages[1]!.completion).toBe(5);
    expect(usages.every((u) => u.prompt > 0 && u.completion > 0)).toBe(true);
    const total = (pick: (u: (typeof usages)[number]) => number): number => usages.reduce((sum, u) => sum + pick(u), 0);
    const text = await scrape();
    const labels = { model_name: "scripted" };
    expect(sample(text, "vllm:prompt_tokens_total", labels)).toBe(total((u) => u.prompt));
    expect(sample(text, "vllm:generation_tokens_total", labels)).toBe(total((u) => u.completion));
    expect(sample(text, "llmserve:reasoning_tokens_total", labels)).toBe(total((u) => u.reasoning));
    expect(sample(text, "vllm:request_prompt_tokens_sum", labels)).toBe(total((u) => u.prompt));
    expect(sample(text, "vllm:request_generation_tokens_count", labels)).toBe(4);
    expect(sample(text, "vllm:request_success_total", { ...labels, finished_reason: "stop" })).toBe(3);
    expect(sample(text, "vllm:request_success_total", { ...labels, finished_reason: "length" })).toBe(1);
    expect(sample(text, "vllm:e2e_request_latency_seconds_count", labels)).toBe(4);
    // the answers carry llama-server's timings (non-streamed ones too), so every request has a time to first token
    expect(sample(text, "vllm:time_to_first_token_seconds_count", labels)).toBe(4);

    // Within the rate's 10 s window of the last answer: the replica's row reads a figure, not "-".
    expect(busy.rate).toBeGreaterThan(0);
    const row = busy.table.split("\n")[1]!.trim().split(/ +/);
    expect(Number(row.at(-2))).toBeGreaterThan(0);

    await waitFor("the access lines", () => readFileSync(log, "utf8").split("\n").filter((line) => line.includes(`"route":"/v1/messages"`)).length === 2);
    const access = readFileSync(log, "utf8").split("\n").filter((line) => line !== "").map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((r) => r["logger"] === "access" && r["route"] !== "/metrics");
    expect(access.map((r) => [r["route"], r["prompt_tokens"], r["completion_tokens"], r["reasoning_tokens"]]))
      .toEqual(usages.map((u) => [u.route, u.prompt, u.completion, u.reasoning]));
  });

  it("should read 2 waiting and 1 running with max_ongoing_requests 1 and 3 requests, and log no access line when disabled", async () => {
    const log = await start({ deploymentConfig: { max_ongoing_requests: 1 } }, { enable_access_log: false });
    const api = client();
    const requests = [0, 1, 2].map(() => api.completions.create({ model: "loop", prompt: "x", max_tokens: 3000 }));
    await waitFor("two requests queued", async () => onlyDeployment(await liveState(sandbox.home.path))?.queuedRequests === 2);
    const text = await scrape();
    expect(sample(text, "vllm:num_requests_waiting", { model_name: "loop" })).toBe(2);
    expect(sample(text, "vllm:num_requests_running", { model_name: "loop" })).toBe(1);
    expect(sample(text, "ray_serve_deployment_queued_queries", { application: "app" })).toBe(2);
    await Promise.all(requests);
    const content = readFileSync(log, "utf8");
    expect(content).toMatch(/ INFO controller serving the OpenAI API/);
    expect(content).not.toMatch(/ access /);
    expect(content).not.toMatch(/ DEBUG /); // log_level INFO, the default
  });

  it("should never decrease a counter when a replica is killed and restarted, and hide INFO lines at log_level WARNING", async () => {
    const log = await start({}, { log_level: "WARNING" });
    const api = client();
    await api.completions.create({ model: "loop", prompt: "x", max_tokens: 20 });
    const before = sample(await scrape(), "vllm:generation_tokens_total", { model_name: "loop" })!;
    expect(before).toBe(20);
    const pid = onlyDeployment(await liveState(sandbox.home.path))!.replicas[0]!.pid;
    process.kill(-pid, "SIGKILL");
    await waitFor("the replica restarted", async () => {
      const deployment = onlyDeployment(await liveState(sandbox.home.path));
      return replicasIn(deployment, "ready").length === 1 && deployment!.replicas[0]!.restarts >= 1;
    }, 60_000);
    const after = await scrape();
    expect(sample(after, "vllm:generation_tokens_total", { model_name: "loop" })).toBe(before);
    expect(sample(after, "llmserve:replica_restarts_total", { application: "app" })).toBeGreaterThanOrEqual(1);
    await api.completions.create({ model: "loop", prompt: "x", max_tokens: 4 });
    expect(sample(await scrape(), "vllm:generation_tokens_total", { model_name: "loop" })).toBe(before + 4);
    expect(readFileSync(log, "utf8")).not.toMatch(/ INFO /);
  });
});
