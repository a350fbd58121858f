import { createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { parseDashboardAddress } from "../../../src/ray/dashboardAddress.js";
import { RayDashboardError } from "../../../src/ray/errors/RayDashboardError.js";
import { getServeDetails, putServeConfig } from "../../../src/ray/rayDashboardClient.js";
import { rayDeploy } from "../../../src/ray/rayDeploy.js";
import { rayShutdown } from "../../../src/ray/rayShutdown.js";
import { formatServeStatus, rayStatus } from "../../../src/ray/rayStatus.js";
import type { RayServeDeployConfig } from "../../../src/ray/translateForRay.js";
import { freePort } from "../../helpers/freePort.js";
import { startFakeRayDashboard, type FakeRayDashboard, type FakeRayDashboardOptions } from "../../helpers/fakeRayDashboard.js";

const SECRET = "hf_clientTestSecret0123456789";
const config = (extra: Record<string, unknown> = {}): RayServeDeployConfig => ({
  applications: [
    {
      name: "llm_app",
      route_prefix: "/",
      import_path: "ray.serve.llm:build_openai_app",
      runtime_env: { env_vars: { HF_TOKEN: SECRET } },
      args: { llm_configs: [{ model_loading_config: { model_id: "qwen-0.5b", model_source: "Qwen/Qwen2.5-0.5B-Instruct" }, ...extra }] },
    },
  ],
});

let dashboards: FakeRayDashboard[] = [];
const start = async (options: FakeRayDashboardOptions = {}): Promise<URL> => {
  const dashboard = await startFakeRayDashboard(options);
  dashboards.push(dashboard);
  return new URL(dashboard.url);
};
afterEach(async () => {
  await Promise.all(dashboards.map((d) => d.close()));
  dashboards = [];
});

async function failure(promise: Promise<unknown>): Promise<RayDashboardError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RayDashboardError);
  return error as RayDashboardError;
}

describe("rayDeploy", () => {
  it("should PUT the config and, with wait, follow the app from DEPLOYING to RUNNING", async () => {
    const url = await start({ deployingPolls: 2 });
    const seen: string[] = [];
    const result = await rayDeploy(url, config(), { wait: true, pollIntervalMs: 5, onStatus: (s) => seen.push(s.applications["llm_app"]?.status ?? "") });
    expect(result.outcome).toBe("running");
    expect(seen).toEqual(["DEPLOYING", "DEPLOYING", "RUNNING"]);
    expect(result.status?.applications["llm_app"]?.deployments).toEqual({
      "LLMServer:qwen-0_5b": { status: "HEALTHY", status_trigger: "CONFIG_UPDATE_COMPLETED", replica_states: { RUNNING: 1 }, message: "" },
      OpenAiIngress: { status: "HEALTHY", status_trigger: "CONFIG_UPDATE_COMPLETED", replica_states: { RUNNING: 1 }, message: "" },
    });
  });

  it("should report DEPLOY_FAILED with Ray's message, with the config's secrets scrubbed", async () => {
    const url = await start();
    // An unknown LLMConfig key fails the application build on the cluster; Ray's message echoes the args.
    const result = await rayDeploy(url, config({ gguf_source: "x.gguf", runtime_env: { env_vars: { HF_TOKEN: SECRET } } }), { wait: true, pollIntervalMs: 5 });
    expect(result.outcome).toBe("failed");
    const app = result.status?.applications["llm_app"];
    expect(app?.status).toBe("DEPLOY_FAILED");
    expect(app?.message).toContain("must NOT have additional properties (gguf_source)");
    expect(app?.message).toContain("<redacted>");
    expect(JSON.stringify(result)).not.toContain(SECRET);
  });

  it("should say which live applications Ray will delete", async () => {
    const url = await start();
    await putServeConfig(url, { applications: [{ name: "old", import_path: "ray.serve.llm:build_openai_app", args: { llm_configs: [{ model_loading_config: { model_id: "o" } }] } }] });
    await getServeDetails(url);
    const result = await rayDeploy(url, config());
    expect(result.removedApplications).toEqual(["old"]);
  });

  it("should warn when http_options differ from the running Serve instance", async () => {
    const url = await start();
    await rayDeploy(url, { ...config(), http_options: { host: "0.0.0.0", port: 8000 } });
    const result = await rayDeploy(url, { ...config(), http_options: { host: "0.0.0.0", port: 9999 } });
    expect(result.warnings).toEqual([expect.stringMatching(/^http_options\.port is 9999 in the file but 8000 on the running cluster/)]);
  });

  it("should turn Ray's 400 into one message with Ray's validation text and no secret", async () => {
    const url = await start();
    const bad = config();
    bad.applications[0] = { ...bad.applications[0], route_prefix: "no-slash" };
    const error = await failure(rayDeploy(url, bad));
    expect(error.kind).toBe("rejected");
    expect(error.message).toMatch(/^Ray rejected the config \(400 Bad Request from http:\/\/127\.0\.0\.1:\d+\):\n1 validation error for ServeDeploySchema\napplications -> 0 -> route_prefix/);
    expect(error.message).not.toContain(SECRET);
  });
});

describe("dashboard errors", () => {
  it("should explain a 404 from an old Ray, naming its version", async () => {
    const error = await failure(rayStatus(await start({ mode: "old-ray" })));
    expect(error.kind).toBe("no-serve-api");
    expect(error.message).toMatch(/^The Ray 1\.11\.0 cluster at http:\/\/127\.0\.0\.1:\d+ has no Serve REST API \(404 on GET \/api\/serve\/applications\/\): this Ray is too old\./);
  });

  it("should recognise an HTML page as not a Ray dashboard", async () => {
    const error = await failure(rayStatus(await start({ mode: "html" })));
    expect(error.kind).toBe("not-dashboard");
    expect(error.message).toMatch(/answered GET \/api\/serve\/applications\/ with text\/html, not Ray's JSON: it is not a Ray dashboard/);
  });

  it("should recognise a non-JSON answer as not a Ray dashboard", async () => {
    const error = await failure(rayShutdown(await start({ mode: "not-json" })));
    expect(error.kind).toBe("not-dashboard");
  });

  it("should say Serve is not installed on a 501", async () => {
    const error = await failure(rayDeploy(await start({ mode: "serve-not-installed" }), config()));
    expect(error.kind).toBe("serve-not-installed");
    expect(error.message).toContain('pip install "ray[serve,llm]"');
  });

  it("should time out on a dashboard that never answers", async () => {
    const error = await failure(rayStatus(await start({ mode: "hang" }), { timeoutMs: 300 }));
    expect(error.kind).toBe("timeout");
    expect(error.message).toMatch(/did not answer GET \/api\/serve\/applications\/ within 0\.3 s/);
  });

  it("should say connection refused when nothing listens", async () => {
    const port = await freePort();
    const error = await failure(rayStatus(`http://127.0.0.1:${port}`));
    expect(error.kind).toBe("connection-refused");
    expect(error.message).toBe(
      `Cannot reach the Ray dashboard at http://127.0.0.1:${port}: connection refused. Is the Ray cluster running (ray start --head) and is this its dashboard address (port 8265 by default)?`,
    );
  });

  it("should call a server that does not speak HTTP not a dashboard", async () => {
    const server: Server = createServer((socket) => socket.end("SSH-2.0-OpenSSH_9.6\r\n"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const error = await failure(rayStatus(`http://127.0.0.1:${port}`, { timeoutMs: 2000 }));
      expect(error.kind).toBe("not-dashboard");
    } finally {
      server.close();
    }
  });
});

describe("rayStatus", () => {
  it("should print Ray's serve status shape, empty when Serve does not run", async () => {
    const url = await start();
    expect(formatServeStatus(await rayStatus(url))).toBe("proxies: {}\napplications: {}\ntarget_capacity: null\n");
    await rayDeploy(url, config());
    await rayStatus(url); // DEPLOYING
    const text = formatServeStatus(await rayStatus(url));
    expect(text).toMatch(
      /^proxies:\n {2}[0-9a-f]+: HEALTHY\napplications:\n {2}llm_app:\n {4}status: RUNNING\n {4}message: ''\n {4}last_deployed_time_s: [0-9.]+\n {4}deployments:\n {6}LLMServer:qwen-0_5b:\n {8}status: HEALTHY\n {8}status_trigger: CONFIG_UPDATE_COMPLETED\n {8}replica_states:\n {10}RUNNING: 1\n {8}message: ''\n/,
    );
    expect(text).toMatch(/target_capacity: null\n$/);
  });
});

describe("rayShutdown", () => {
  it("should say when no Serve instance runs, without sending a DELETE", async () => {
    const url = await start();
    const result = await rayShutdown(url);
    expect(result).toMatchObject({ found: false, message: `No Serve instance found running on the cluster at ${url.href.replace(/\/$/, "")}.` });
    expect(dashboards[0]?.requests.map((r) => r.method)).toEqual(["GET"]);
  });

  it("should delete every application and wait until Ray reports them gone", async () => {
    const url = await start();
    await rayDeploy(url, config());
    const result = await rayShutdown(url, { pollIntervalMs: 5 });
    expect(result).toMatchObject({ found: true, completed: true, applications: ["llm_app"] });
    expect(result.message).toMatch(/^Shut down Serve on the cluster at http:\/\/127\.0\.0\.1:\d+ \('llm_app'\)\.$/);
    expect((await rayStatus(url)).applications).toEqual({});
  });
});

describe("parseDashboardAddress", () => {
  it.each([
    ["ray://10.0.0.1:10001", /uses ray:\/\/ \(ray:\/\/ is the Ray Client address, not the dashboard\): the Ray dashboard address must be http:\/\/ or https:\/\//],
    ["10.0.0.1:8265", /is not a URL: the Ray dashboard address must start with http:\/\/ or https:\/\//],
    ["ftp://host:8265", /uses ftp:\/\//],
    ["http://user:pw@host:8265", /must not contain a user name or password/],
  ])("should reject %s", (raw, message) => {
    expect(() => parseDashboardAddress(raw)).toThrow(message);
  });
  it("should accept http and https addresses, keeping a path prefix", () => {
    expect(parseDashboardAddress("https://ray.example.com/dash/").href).toBe("https://ray.example.com/dash/");
    expect(parseDashboardAddress(" http://127.0.0.1:8265 ").href).toBe("http://127.0.0.1:8265/");
  });
});
