import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureScriptedReasoningModel } from "../models/ensureScriptedReasoningModel.js";
import { createTempHome, REPO_ROOT } from "../helpers/cli.js";
import { killProcessesOfHome, processesOfHome } from "../helpers/controllerHarness.js";
import { freePort } from "../helpers/freePort.js";

// As a user installs it: `npm pack`, then the tarball installed into an empty directory with npm's defaults (install
// scripts run: the addon is built at postinstall) and with --ignore-scripts (no postinstall, as pnpm 10 or a
// locked-down npm: the first replica start builds the addon). Either way `status` must show the native loop.
// Dependencies come from the registry (npm's cache makes that quick after the project's own install).
const INSTALL_TIMEOUT_MS = 300_000;

/** The environment of a user's shell: none of the npm_* settings `npm test` passes down, except where to find the registry. */
function userEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^npm_/i.test(name) && !/^npm_config_(registry|cache|userconfig)$/i.test(name)) continue;
    env[name] = value;
  }
  return { ...env, LLMSERVE_HOME: home, NO_COLOR: "1" };
}

const INSTALLS = [
  { how: "with npm's defaults", flags: [] as string[], addon: "built at install" },
  { how: "with --ignore-scripts", flags: ["--ignore-scripts"], addon: "built on the first replica start" },
];

describe("the npm package, installed from its tarball", () => {
  const work = mkdtempSync(join(tmpdir(), "llmserve-pack-"));
  let model: string;
  const projects = new Map<string, string>();

  beforeAll(async () => {
    model = await ensureScriptedReasoningModel();
    // `npm test` has just built dist/ and the addon; --ignore-scripts keeps pack from building them again.
    const packed = await execa("npm", ["pack", "--ignore-scripts", "--pack-destination", work], { cwd: REPO_ROOT, env: userEnv(work) });
    const tarball = join(work, packed.stdout.trim().split("\n").pop()!);
    // Both installs at once: mostly waiting on npm's cache and the disk.
    await Promise.all(
      INSTALLS.map(async ({ how, flags }) => {
        const project = mkdtempSync(join(work, "project-"));
        const install = await execa("npm", ["install", "--no-audit", "--no-fund", ...flags, tarball], { cwd: project, env: userEnv(work), reject: false });
        if (install.exitCode !== 0) throw new Error(`npm install ${how} failed:\n${install.stderr}`);
        projects.set(how, project);
      }),
    );
  }, INSTALL_TIMEOUT_MS);

  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
  });

  it.each(INSTALLS)("should serve on the native loop when installed $how ($addon)", async ({ how, flags }) => {
    const project = projects.get(how)!;
    const home = createTempHome();
    try {
      const env = userEnv(home.path);
      const addonDir = join(project, "node_modules", "llmserve", "native", "fastDecode", "build");
      expect(readdirSafe(addonDir).includes("fastDecode.node")).toBe(flags.length === 0);

      const port = await freePort();
      const config = join(project, "app.yaml");
      writeFileSync(config, appYaml(model, port));
      const npx = (args: string[]) => execa("npx", ["--no", "llmserve", ...args], { cwd: project, env, reject: false, timeout: 180_000 });

      const run = await npx(["run", config, "--non-blocking"]);
      expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(0);
      expect(run.stderr).not.toMatch(/Warning/);
      const status = await npx(["status", "--json"]);
      expect(status.exitCode, status.stderr).toBe(0);
      const replicas = Object.values(JSON.parse(status.stdout).applications.demo.deployments).flatMap(
        (deployment) => (deployment as { replicas: Array<{ engine: string | null; warnings: string[] }> }).replicas,
      );
      expect(replicas.map((replica) => replica.engine)).toEqual([expect.stringMatching(/^native loop, (local|prebuilt) CPU kernels, CPU, weights (in huge pages|copied|mapped)$/)]);
      expect(replicas[0]?.warnings).toEqual([]);
      if (flags.length > 0) expect(readdirSafe(join(home.path, "native")).some((name) => name.startsWith("fastDecode-"))).toBe(true);

      // An agent-loop history renders with the patched Jinja engine the package bundles, whatever the install ran
      // (the replica imports value classes only the patched engine exports).
      const chat = await fetch(`http://127.0.0.1:${port}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: `{"model": "scripted", "max_tokens": 4, "messages": [{"role": "user", "content": "hi"},
          {"role": "assistant", "content": null, "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{\\"x\\": 1.0}"}}]},
          {"role": "tool", "tool_call_id": "c1", "content": "ok"}, {"role": "user", "content": "and now?"}]}`,
      });
      expect(chat.status, await chat.clone().text()).toBe(200);

      const shutdown = await npx(["shutdown", "-y"]);
      expect(shutdown.exitCode, shutdown.stderr).toBe(0);
      expect(processesOfHome(home.path)).toEqual([]);
    } finally {
      killProcessesOfHome(home.path);
      home.remove();
    }
  }, 240_000);

  it("should warn in run and status that the stock loop runs, and how to fix it, when no compiler can build the addon", async () => {
    const project = projects.get(INSTALLS[1]!.how)!;
    const home = createTempHome();
    try {
      const env = { ...userEnv(home.path), CXX: "/nonexistent/c++" };
      const config = join(project, "app-no-compiler.yaml");
      writeFileSync(config, appYaml(model, await freePort()));
      const npx = (args: string[]) => execa("npx", ["--no", "llmserve", ...args], { cwd: project, env, reject: false, timeout: 180_000 });
      const run = await npx(["run", config, "--non-blocking"]);
      expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(0);
      expect(run.stderr).toMatch(/Warning: application 'demo': the fastDecode addon is missing \(not built, and no C\+\+ compiler.*stock decode loop runs.*apt-get install g\+\+ git/);
      const status = await npx(["status"]);
      expect(status.stdout).toMatch(/engine: stock loop, (local|prebuilt) CPU kernels, CPU/);
      expect(status.stdout).toMatch(/warnings:\n\s+- .*stock decode loop runs/);
      expect((await npx(["shutdown", "-y"])).exitCode).toBe(0);
      expect(processesOfHome(home.path)).toEqual([]);
    } finally {
      killProcessesOfHome(home.path);
      home.remove();
    }
  }, 240_000);
});

function appYaml(model: string, port: number): string {
  return `http_options:
  host: 127.0.0.1
  port: ${port}
applications:
  - name: demo
    route_prefix: /
    import_path: ray.serve.llm:build_openai_app
    args:
      llm_configs:
        - model_loading_config:
            model_id: scripted
            model_source: ${model}
          engine_kwargs:
            reasoning_parser: deepseek_r1
          runtime_env:
            env_vars:
              LLMSERVE_THREADS: "2"
`;
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
