import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ResolvedCorsOptions } from "../../../src/config/ResolvedConfig.js";
import { CONSOLE_ASSETS_DIR } from "../../../src/controller/console/consoleAssets.js";
import { createConsoleRoutes } from "../../../src/controller/console/consoleRoutes.js";
import { createApiServer, type ApiServer } from "../../../src/controller/controllerServer.js";
import type { ControllerState } from "../../../src/protocol/ControllerState.js";

const KEY = "secret-key";
const CORS: ResolvedCorsOptions = {
  allowed_origins: ["https://app.example.com"],
  allowed_headers: ["authorization", "content-type"],
  max_age_s: 600,
};

function stateWithReplica(logDir: string): ControllerState {
  return {
    version: 1,
    controller: {
      pid: 1, startedAt: 0, host: "127.0.0.1", port: 0, adminPort: 1, adminToken: "admin-token-never-shown",
      configPath: "/x.yaml", configHash: "h", logFile: join(logDir, "controller.log"), gracefulShutdownTimeoutMs: 0,
    },
    applications: [{
      name: "chat", routePrefix: "/", status: "RUNNING", message: "", lastDeployedTimeS: 0,
      deployments: [{
        name: "LLMServer:m", modelId: "m", status: "HEALTHY", statusTrigger: "UNSPECIFIED", message: "",
        targetReplicas: 1, queuedRequests: 0, version: "v",
        replicas: [{ id: "r1", pid: 42, port: 1, lifecycle: "ready", gpus: [], restarts: 0, ongoingRequests: 0, version: "v",
          logFile: join(logDir, "replicas", "chat", "m", "r1.log") }],
      }],
    }],
    updatedAt: 0,
  };
}

// The console's routes and CORS through the controller's real API server (no replica: nothing here is proxied).
describe("console routes and CORS on the API server", () => {
  let server: ApiServer;
  let base: string;
  let logDir: string;

  beforeAll(async () => {
    logDir = mkdtempSync(join(tmpdir(), "llmserve-console-"));
    writeFileSync(join(logDir, "controller.log"), "line one\nline two\n");
    mkdirSync(join(logDir, "replicas", "chat", "m"), { recursive: true });
    writeFileSync(join(logDir, "replicas", "chat", "m", "r1.log"), "replica started\n");
    server = createApiServer({
      table: { routes: () => [{ name: "chat", routePrefix: "/", modelIds: ["m"] }], deployment: () => undefined },
      requestTimeoutMs: undefined,
      replicaToken: undefined,
      keepAliveTimeoutMs: 5_000,
      apiKey: KEY,
      cors: CORS,
      console: createConsoleRoutes({ status: () => stateWithReplica(logDir), apiKeyRequired: true }),
      log: () => undefined,
      finished: () => undefined,
      metrics: async () => ({ contentType: "text/plain; version=0.0.4", text: "" }),
    });
    base = `http://127.0.0.1:${await server.listen("127.0.0.1", 0)}`;
  });
  afterAll(async () => {
    await server.drain(1_000);
    rmSync(logDir, { recursive: true, force: true });
  });

  const auth = { authorization: `Bearer ${KEY}` };

  it("should serve the page and its files without the key, gzipped when asked, and redirect /ui to /ui/", async () => {
    const redirect = await fetch(`${base}/ui`, { redirect: "manual" });
    expect(redirect.status).toBe(308);
    expect(redirect.headers.get("location")).toBe("/ui/");
    const page = await fetch(`${base}/ui/`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(page.headers.get("content-encoding")).toBe("gzip"); // fetch asks for gzip and decodes it
    expect(await page.text()).toContain('<script type="module" src="console.js">');
    const script = await fetch(`${base}/ui/console.js`);
    expect(script.headers.get("content-type")).toContain("text/javascript");
    expect((await fetch(`${base}/ui/..%2fpackage.json`)).status).toBe(404); // only the files loaded at start-up
    expect((await fetch(`${base}/ui/nope.js`)).status).toBe(404);
  });

  it("should keep the console API behind the API key and never show the admin token", async () => {
    expect((await fetch(`${base}/ui/api/status`)).status).toBe(401);
    const response = await fetch(`${base}/ui/api/status`, { headers: auth });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).not.toContain("admin-token-never-shown");
    const body = JSON.parse(text) as { applications: unknown[]; console: { refreshMs: number; apiKeyRequired: boolean } };
    expect(body.applications).toHaveLength(1);
    expect(body.console.refreshMs).toBeLessThanOrEqual(2_000);
    expect(body.console.apiKeyRequired).toBe(true);
    const sources = (await (await fetch(`${base}/ui/api/logs`, { headers: auth })).json()) as { sources: { id: string }[] };
    expect(sources.sources.map((source) => source.id)).toEqual(["controller", "chat/m/r1"]);
  });

  it("should stream a log's tail and then each appended line", async () => {
    const abort = new AbortController();
    const response = await fetch(`${base}/ui/api/logs/stream?source=controller&tail=1`, { headers: auth, signal: abort.signal });
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    const read = async (until: string): Promise<void> => {
      while (!text.includes(until)) text += (await reader.read()).value ?? "";
    };
    await read("\n\n");
    expect(JSON.parse(text.slice("data: ".length).trim())).toEqual({ lines: ["line two"] });
    appendFileSync(join(logDir, "controller.log"), "line three\npartial");
    await read("line three");
    expect(text).not.toContain("partial");
    abort.abort();
    expect((await fetch(`${base}/ui/api/logs/stream?source=../../etc/passwd`, { headers: auth })).status).toBe(404);
  });

  it("should answer an allowed origin's preflight 204 before authentication and mark its answers", async () => {
    const preflight = await fetch(`${base}/v1/chat/completions`, {
      method: "OPTIONS",
      headers: { origin: "https://app.example.com", "access-control-request-method": "POST", "access-control-request-headers": "authorization, content-type" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
    expect(preflight.headers.get("access-control-allow-methods")).toContain("POST");
    expect(preflight.headers.get("access-control-allow-headers")).toBe("authorization, content-type");
    expect(preflight.headers.get("access-control-max-age")).toBe("600");
    expect(preflight.headers.get("vary")).toBe("Origin");
    const models = await fetch(`${base}/v1/models`, { headers: { origin: "https://app.example.com", ...auth } });
    expect(models.status).toBe(200);
    expect(models.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
    // The key is still needed on the real request, and a 401 also carries the header so the page can read it.
    const unauthorized = await fetch(`${base}/v1/models`, { headers: { origin: "https://app.example.com" } });
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
  });

  it("should refuse other origins' preflights and give their answers no CORS header", async () => {
    const preflight = await fetch(`${base}/v1/models`, {
      method: "OPTIONS",
      headers: { origin: "https://evil.example", "access-control-request-method": "GET" },
    });
    expect(preflight.status).toBe(403);
    expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
    expect(((await preflight.json()) as { error: { code: string } }).error.code).toBe("cors_origin_not_allowed");
    const models = await fetch(`${base}/v1/models`, { headers: { origin: "https://evil.example", ...auth } });
    expect(models.status).toBe(200);
    expect(models.headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("console assets", () => {
  it("should ship under 300 KB of gzipped JavaScript, every file referenced from the package", () => {
    const files = readdirSync(CONSOLE_ASSETS_DIR);
    const scripts = files.filter((file) => file.endsWith(".js"));
    expect(scripts.length).toBeGreaterThan(0);
    const gzipped = scripts.reduce((sum, file) => sum + gzipSync(readFileSync(join(CONSOLE_ASSETS_DIR, file)), { level: 9 }).length, 0);
    expect(gzipped).toBeLessThan(300 * 1024);
    const pkg = JSON.parse(readFileSync(join(CONSOLE_ASSETS_DIR, "..", "package.json"), "utf8")) as { files: string[] };
    expect(pkg.files).toContain("ui");
    // No asset is fetched from elsewhere: the page must work offline.
    for (const file of files) expect(readFileSync(join(CONSOLE_ASSETS_DIR, file), "utf8")).not.toMatch(/(src|href)=["']https?:/);
  });
});
