import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { runRayShutdown, runRayStatus } from "../../../src/cli/commands/rayAddressOption.js";
import { createTempHome, REPO_ROOT, runCli } from "../../helpers/cli.js";
import { freePort } from "../../helpers/freePort.js";
import { startFakeRayDashboard, type FakeRayDashboard, type FakeRayDashboardOptions } from "../../helpers/fakeRayDashboard.js";
import { rayServeConfigErrors } from "../../helpers/rayServeSchema.js";

const FIXTURES = join(REPO_ROOT, "test", "fixtures", "ray", "llmserve");
const QWQ = join(FIXTURES, "qwq-reasoning.yaml");
const MULTI = join(FIXTURES, "multi-model-paths.yaml");
const SECRETS = ["hf_llmserveFixtureSecret0123456789", "hf_anotherFixtureSecret987654321"];

const home = createTempHome("llmserve-ray-");
const tmp = mkdtempSync(join(tmpdir(), "llmserve-ray-out-"));
let dashboards: FakeRayDashboard[] = [];
const dashboard = async (options: FakeRayDashboardOptions = {}): Promise<FakeRayDashboard> => {
  const started = await startFakeRayDashboard(options);
  dashboards.push(started);
  return started;
};
const llmserve = async (args: string[], env: Record<string, string> = {}): Promise<{ exitCode: number | undefined; stdout: string; stderr: string }> => {
  const result = await runCli(args, { home: home.path, env: { RAY_DASHBOARD_ADDRESS: "", ...env } });
  return { exitCode: result.exitCode, stdout: String(result.stdout), stderr: String(result.stderr) };
};
const expectNoSecret = (...texts: string[]): void => {
  for (const text of texts) for (const secret of SECRETS) expect(text).not.toContain(secret);
};

beforeAll(() => writeFileSync(join(tmp, "placeholder"), ""));
afterEach(async () => {
  await Promise.all(dashboards.map((d) => d.close()));
  dashboards = [];
});
afterAll(() => {
  home.remove();
  rmSync(tmp, { recursive: true, force: true });
});

describe("llmserve deploy", () => {
  it("should send the translated config, secrets included, and print none of them", async () => {
    const ray = await dashboard();
    const result = await llmserve(["deploy", QWQ, "--address", ray.url]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe(
      `Sent the deploy request for 'reasoning' to ${ray.url}.\nRay deploys asynchronously; follow it with: llmserve status --address ${ray.url}`,
    );
    expect(result.stderr).toContain("llmserve: note: http_options.host is 127.0.0.1: on the cluster each Ray Serve proxy will accept connections only from its own node.");
    const sent = ray.lastConfig() as { applications: Array<Record<string, unknown>> };
    expect(rayServeConfigErrors(sent)).toEqual([]);
    expect(JSON.stringify(sent)).toContain(SECRETS[0]);
    expect(JSON.stringify(sent)).not.toContain("gguf_source");
    expect(sent.applications[0]?.["import_path"]).toBe("ray.serve.llm:build_openai_app");
    expectNoSecret(result.stdout, result.stderr);
  });

  it("should take the address from $RAY_DASHBOARD_ADDRESS and inline llm_configs files", async () => {
    const ray = await dashboard();
    const result = await llmserve(["deploy", MULTI], { RAY_DASHBOARD_ADDRESS: ray.url });
    expect(result.exitCode).toBe(0);
    const sent = ray.lastConfig() as { applications: Array<{ args: { llm_configs: unknown[] } }> };
    expect(sent.applications[0]?.args.llm_configs[0]).toMatchObject({ model_loading_config: { model_id: "qwen3-32b", model_source: "Qwen/Qwen3-32B" } });
    expect(result.stderr).toContain("api_key_env is llmserve's own and is dropped");
    expectNoSecret(result.stdout, result.stderr);
  });

  it("should wait until the applications run with --wait", async () => {
    const ray = await dashboard({ deployingPolls: 1 });
    const result = await llmserve(["deploy", QWQ, "--address", ray.url, "--wait"]);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain("llmserve: reasoning: DEPLOYING\n");
    expect(result.stdout).toContain(`'reasoning' is RUNNING on ${ray.url}.`);
  });

  it("should exit 1 with Ray's DEPLOY_FAILED message, secrets scrubbed", async () => {
    const ray = await dashboard({
      failApplications: { reasoning: `Deployment 'LLMServer:qwq-32b' failed: replica crashed (HF_TOKEN=${SECRETS[0]} rejected by the Hub).` },
    });
    const result = await llmserve(["deploy", QWQ, "--address", ray.url, "--wait"]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(
      `llmserve: the deployment failed on ${ray.url}:\napplication 'reasoning' is DEPLOY_FAILED: Deployment 'LLMServer:qwq-32b' failed: replica crashed (HF_TOKEN=<redacted> rejected by the Hub).`,
    );
    expectNoSecret(result.stdout, result.stderr);
  });

  it("should print Ray's 400 validation text as one message, without the secrets it echoes", async () => {
    const ray = await dashboard({ rejectPut: "1 validation error for ServeDeploySchema\napplications -> 0 -> runtime_env\n  unsupported (input={body})" });
    const result = await llmserve(["deploy", QWQ, "--address", ray.url]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/llmserve: Ray rejected the config \(400 Bad Request from http:\/\/127\.0\.0\.1:\d+\):\n1 validation error for ServeDeploySchema\napplications -> 0 -> runtime_env\n {2}unsupported \(input=\{.*<redacted>/s);
    expectNoSecret(result.stdout, result.stderr);
  });

  it.each([
    ["old-ray", /has no Serve REST API \(404 on GET \/api\/serve\/applications\/\): this Ray is too old/],
    ["html", /with text\/html, not Ray's JSON: it is not a Ray dashboard/],
    ["serve-not-installed", /Ray Serve is not installed on the cluster/],
  ] as const)("should explain a %s dashboard in one message", async (mode, message) => {
    const ray = await dashboard({ mode });
    const result = await llmserve(["deploy", QWQ, "--address", ray.url]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split("\n").filter((line) => line.startsWith("llmserve: ") && !line.startsWith("llmserve: note:"))).toHaveLength(1);
  });

  it("should time out on a dashboard that never answers", async () => {
    const ray = await dashboard({ mode: "hang" });
    const result = await llmserve(["deploy", QWQ, "--address", ray.url, "--timeout", "0.5"]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`llmserve: The Ray dashboard at ${ray.url} did not answer GET /api/serve/applications/ within 0.5 s.`);
  });

  it("should say connection refused when no dashboard listens", async () => {
    const port = await freePort();
    const result = await llmserve(["deploy", QWQ, "--address", `http://127.0.0.1:${port}`]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`Cannot reach the Ray dashboard at http://127.0.0.1:${port}: connection refused.`);
  });

  it("should reject an address that is not http(s) before sending anything", async () => {
    const result = await llmserve(["deploy", QWQ, "--address", "ray://10.0.0.1:10001"]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("llmserve: --address 'ray://10.0.0.1:10001' uses ray:// (ray:// is the Ray Client address, not the dashboard)");
  });

  it("should print the translated config with --dry-run, secrets redacted, and send nothing", async () => {
    const ray = await dashboard();
    const result = await llmserve(["deploy", QWQ, "--address", ray.url, "--dry-run"]);
    expect(result.exitCode).toBe(0);
    const printed = parse(result.stdout) as { applications: Array<{ runtime_env: { env_vars: Record<string, string> } }> };
    expect(printed.applications[0]?.runtime_env.env_vars["HF_TOKEN"]).toBe("<redacted>");
    expect(result.stdout).not.toContain("gguf_source");
    expect(result.stdout).toContain("import_path: ray.serve.llm:build_openai_app");
    expect(ray.requests).toEqual([]);
    expectNoSecret(result.stdout, result.stderr);
  });

  it("should stop on an invalid file with validate's diagnostics and send nothing", async () => {
    const ray = await dashboard();
    const bad = join(tmp, "bad.yaml");
    writeFileSync(bad, "applications:\n  - name: a\n    args:\n      llm_configs:\n        - model_loading_config:\n            model_id: m\n          accelerator_typo: A100\n");
    const result = await llmserve(["deploy", bad, "--address", ray.url]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`${bad.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:7:11: error: .*accelerator_typo`));
    expect(result.stderr).toContain(`llmserve: ${bad} is not valid for Ray (1 error above); nothing was sent.`);
    expect(ray.requests).toEqual([]);
  });

  it("should refuse an accelerator_type that only llmserve knows", async () => {
    const ray = await dashboard();
    const cpu = join(tmp, "cpu.yaml");
    writeFileSync(cpu, "applications:\n  - args:\n      llm_configs:\n        - model_loading_config:\n            model_id: m\n            model_source: Qwen/Qwen2.5-0.5B-Instruct\n          accelerator_type: CPU\n");
    const result = await llmserve(["deploy", cpu, "--address", ray.url]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/cpu\.yaml:7:29: error: accelerator_type 'CPU' is an llmserve-only name that Ray does not accept/);
    expect(ray.requests).toEqual([]);
  });
});

describe("llmserve build --target ray", () => {
  it("should print the Ray config with secrets redacted", async () => {
    const result = await llmserve(["build", QWQ, "--target", "ray"]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout.startsWith("# Ray Serve config generated by `llmserve build --target ray`")).toBe(true);
    const built = parse(result.stdout) as Record<string, unknown>;
    expect(rayServeConfigErrors(built)).toEqual([]);
    expect(result.stdout).toContain("HF_TOKEN: <redacted>");
    expect(result.stderr).toContain("redacted applications[0].runtime_env.env_vars.HF_TOKEN; pass --include-secrets");
    expectNoSecret(result.stdout, result.stderr);
  });

  it("should write -o FILE, with the secrets and owner-only permissions under --include-secrets", async () => {
    const out = join(tmp, "ray-config.yaml");
    const result = await llmserve(["build", MULTI, "--target", "ray", "-o", out, "--include-secrets"]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe("");
    const written = readFileSync(out, "utf8");
    expect(written).toContain(SECRETS[1]);
    expect(rayServeConfigErrors(parse(written))).toEqual([]);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expectNoSecret(result.stderr);
  });

  it("should need --target", async () => {
    const result = await llmserve(["build", QWQ]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("required option '--target <target>' not specified");
  });
});

describe("status --address and shutdown --address", () => {
  it("should print Ray's serve status shape, then shut down and say so", async () => {
    const ray = await dashboard({ deployingPolls: 0 });
    expect((await llmserve(["deploy", QWQ, "--address", ray.url])).exitCode).toBe(0);
    let out = "";
    await runRayStatus(ray.url, undefined, (text) => (out += text));
    const status = parse(out) as { applications: Record<string, { status: string; deployments: Record<string, unknown> }> };
    expect(Object.keys(status)).toEqual(["proxies", "applications", "target_capacity"]);
    expect(status.applications["reasoning"]?.status).toBe("RUNNING");
    expect(Object.keys(status.applications["reasoning"]?.deployments ?? {})).toEqual(["LLMServer:qwq-32b", "OpenAiIngress"]);
    out = "";
    await runRayShutdown(ray.url, undefined, (text) => (out += text));
    expect(out).toBe(`Shut down Serve on the cluster at ${ray.url} ('reasoning').\n`);
    out = "";
    await runRayShutdown(ray.url, undefined, (text) => (out += text));
    expect(out).toBe(`No Serve instance found running on the cluster at ${ray.url}.\n`);
  });

  it("should never print a secret from the deployed config in status", async () => {
    const ray = await dashboard({ failApplications: { reasoning: `bad token ${SECRETS[0]}` }, deployingPolls: 0 });
    expect((await llmserve(["deploy", QWQ, "--address", ray.url])).exitCode).toBe(0);
    let out = "";
    const exitCode = process.exitCode;
    await runRayStatus(ray.url, undefined, (text) => (out += text));
    expect(process.exitCode).toBe(1);
    process.exitCode = exitCode;
    expect(out).toContain("message: bad token <redacted>");
    expectNoSecret(out);
  });
});
