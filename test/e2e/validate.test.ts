import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { execa } from "execa";
import { afterAll, describe, expect, it } from "vitest";
import { createTempHome, REPO_ROOT, runCli } from "../helpers/cli.js";
import { seededRandom } from "../models/seededRandom.js";
import { mutateBytes, mutateStructure } from "../unit/config/fuzzLoadConfigFile.js";

const home = createTempHome();
afterAll(() => home.remove());

const INVALID = "test/fixtures/config/invalid";
const REASONING_ERROR =
  `${INVALID}/reasoning-parser-not-a-parser.yaml:8:31: error: reasoning_parser must be one of deepseek_r1, qwen3, ` +
  "granite, deepseek_v3, glm45, mistral, seed_oss, hunyuan_a13b, ernie45, step3, olmo3, openai_gptoss, kimi_k2, " +
  "minimax_m2, minimax_m2_append_think, granite_thinking, holo2, hy_v3, mimo, minimax_m3, nemotron_v3, step3p5, " +
  "gemma4, deepseek_v4, cohere_command3, cohere_command4, inkling (got 'qwen'); did you mean 'qwen3'? " +
  "(at applications[0].args.llm_configs[0].engine_kwargs.reasoning_parser)";

function expectNoStackTrace(output: string): void {
  expect(output).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  expect(output).not.toContain("internal error");
}

describe("llmserve validate", () => {
  it("should exit 0 and say valid for every example", async () => {
    const files = ["qwq-32b-reasoning.yaml", "qwen3-32b-hybrid.yaml", "qwen3-0.6b-cpu.yaml", "multi-model.yaml"].map(
      (f) => `examples/${f}`,
    );
    const result = await runCli(["validate", ...files], { home: home.path });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe(files.map((f) => `${f}: valid`).join("\n"));
    expect(result.stderr).toBe("");
  });

  it("should exit 1 and print FILE:LINE:COL: error: MESSAGE (at PATH)", async () => {
    const result = await runCli(["validate", `${INVALID}/reasoning-parser-not-a-parser.yaml`], { home: home.path });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe(`${REASONING_ERROR}\n${INVALID}/reasoning-parser-not-a-parser.yaml: invalid (1 error)`);
  });

  it("should report every problem in every file, and exit 1 if any file is invalid", async () => {
    const result = await runCli(
      [
        "validate",
        "examples/qwen3-0.6b-cpu.yaml",
        `${INVALID}/many-problems-at-once.yaml`,
        `${INVALID}/min-replicas-above-max.yaml`,
      ],
      { home: home.path },
    );
    expect(result.exitCode).toBe(1);
    const lines = String(result.stdout).split("\n");
    expect(lines[0]).toBe("examples/qwen3-0.6b-cpu.yaml: valid");
    expect(
      lines.filter((l) => l.startsWith(`${INVALID}/many-problems-at-once.yaml:`) && l.includes(": error: ")),
    ).toHaveLength(7);
    expect(lines).toContain(`${INVALID}/many-problems-at-once.yaml: invalid (7 errors)`);
    expect(lines).toContain(
      `${INVALID}/min-replicas-above-max.yaml:9:29: error: min_replicas (3) is greater than max_replicas (2) ` +
        "(at applications[0].args.llm_configs[0].deployment_config.autoscaling_config.min_replicas)",
    );
  });

  it("should print warnings and still exit 0", async () => {
    const file = "test/fixtures/config/warnings/plain-http-download.yaml";
    const result = await runCli(["validate", file], { home: home.path });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe(
      `${file}:6:27: warning: model_source downloads over plain http, which anyone on the way can tamper with; prefer https ` +
        `(at applications[0].args.llm_configs[0].model_loading_config.model_source)\n${file}: valid (1 warning)`,
    );
  });

  it("should print --json as an array of {file, line, column, severity, path, message}", async () => {
    const result = await runCli(
      [
        "validate",
        "--json",
        `${INVALID}/reasoning-parser-not-a-parser.yaml`,
        "test/fixtures/config/warnings/plain-http-download.yaml",
      ],
      { home: home.path },
    );
    expect(result.exitCode).toBe(1);
    const parsed = JSON.parse(String(result.stdout)) as unknown[];
    expect(parsed).toHaveLength(2);
    for (const entry of parsed)
      expect(Object.keys(entry as object)).toEqual(["file", "line", "column", "severity", "path", "message"]);
    expect(parsed[0]).toMatchObject({
      file: `${INVALID}/reasoning-parser-not-a-parser.yaml`,
      line: 8,
      column: 31,
      severity: "error",
    });
    expect(parsed[1]).toMatchObject({
      file: "test/fixtures/config/warnings/plain-http-download.yaml",
      line: 6,
      column: 27,
      severity: "warning",
    });
    const valid = await runCli(["validate", "--json", "examples/qwq-32b-reasoning.yaml"], { home: home.path });
    expect(valid.exitCode).toBe(0);
    expect(JSON.parse(String(valid.stdout))).toEqual([]);
  });

  it("should require a GGUF only for --target local", async () => {
    const file = `${INVALID}/safetensors-without-gguf.yaml`;
    const local = await runCli(["validate", file], { home: home.path });
    expect(local.exitCode).toBe(1);
    expect(local.stdout).toContain(
      "Qwen/Qwen3-32B holds safetensors weights; add a GGUF source such as hf:Qwen/Qwen3-32B-GGUF:Q4_K_M",
    );
    const ray = await runCli(["validate", "--target", "ray", file], { home: home.path });
    expect(ray.exitCode).toBe(0);
  });

  it("should exit 2 for usage errors: missing file, unknown flag, bad target, no file", async () => {
    const missing = await runCli(["validate", "no-such-file.yaml"], { home: home.path });
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toBe("llmserve: no such file: no-such-file.yaml");
    const flag = await runCli(["validate", "--bogus", "examples/qwq-32b-reasoning.yaml"], { home: home.path });
    expect(flag.exitCode).toBe(2);
    expect(flag.stderr).toContain("unknown option '--bogus'");
    const target = await runCli(["validate", "--target", "k8s", "examples/qwq-32b-reasoning.yaml"], {
      home: home.path,
    });
    expect(target.exitCode).toBe(2);
    expect(target.stderr).toContain("Allowed choices are local, ray");
    const none = await runCli(["validate"], { home: home.path });
    expect(none.exitCode).toBe(2);
    for (const r of [missing, flag, target, none]) expectNoStackTrace(`${r.stdout}${r.stderr}`);
  });

  it("should answer a binary file with one line and exit 1", async () => {
    const path = join(home.path, "binary.yaml");
    writeFileSync(path, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x00, 0x00]));
    const result = await runCli(["validate", path], { home: home.path });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe(
      `${path}:1:6: error: ${path} looks like a binary file (it contains a NUL byte), not a YAML config\n${path}: invalid (1 error)`,
    );
  });

  it("should exit 0 or 1, never with a stack trace, on fuzzed configs", async () => {
    const { readFileSync } = await import("node:fs");
    const text = readFileSync("examples/multi-model.yaml", "utf8");
    const random = seededRandom(42);
    const files = Array.from({ length: 8 }, (_, i) => {
      const path = join(home.path, `fuzz-${i}.yaml`);
      writeFileSync(path, i % 2 === 0 ? mutateStructure(text, random) : mutateBytes(text, random));
      return path;
    });
    for (const file of files) {
      const result = await runCli(["validate", file], { home: home.path });
      expect([0, 1], file).toContain(result.exitCode);
      expectNoStackTrace(`${result.stdout}${result.stderr}`);
    }
  });

  it("should validate every file under examples/ on a fresh clone, before `npm run demo` wrote its model", async () => {
    const clone = mkdtempSync(join(tmpdir(), "llmserve-fresh-clone-"));
    try {
      const tracked = await execa("git", ["ls-files", "-z", "examples"], { cwd: REPO_ROOT });
      for (const file of tracked.stdout.split("\0").filter((f) => f !== "")) {
        mkdirSync(dirname(join(clone, file)), { recursive: true });
        copyFileSync(join(REPO_ROOT, file), join(clone, file));
      }
      const examples = readdirSync(join(clone, "examples")).filter((f) => f.endsWith(".yaml"));
      expect(examples.length).toBeGreaterThanOrEqual(5);
      expect(existsSync(join(clone, "examples", "models", "scripted-reasoning.gguf"))).toBe(false);
      for (const target of ["local", "ray"]) {
        const result = await runCli(["validate", "--target", target, ...examples], {
          home: home.path,
          cwd: join(clone, "examples"),
        });
        expect(result.exitCode).toBe(0);
      }
      const local = await runCli(["validate", "demo-scripted.yaml"], { home: home.path, cwd: join(clone, "examples") });
      const missing = join(clone, "examples", "models", "scripted-reasoning.gguf");
      expect(local.stdout).toBe(
        `demo-scripted.yaml:14:27: warning: GGUF file not found on this machine (looked at ${missing}); ` +
          "`llmserve run` needs it at that path (at applications[0].args.llm_configs[0].model_loading_config.model_source)\n" +
          "demo-scripted.yaml: valid (1 warning)",
      );
      const strict = await runCli(["validate", "--strict", "demo-scripted.yaml"], {
        home: home.path,
        cwd: join(clone, "examples"),
      });
      expect(strict.exitCode).toBe(1);
      expect(strict.stdout).toContain(`demo-scripted.yaml:14:27: error: GGUF file not found: looked at ${missing}`);
      const run = await runCli(["run", "--non-blocking", "demo-scripted.yaml"], {
        home: home.path,
        cwd: join(clone, "examples"),
      });
      expect(run.exitCode).not.toBe(0);
      expect(run.stderr).toContain(`demo-scripted.yaml:14:27: error: GGUF file not found: looked at ${missing}`);
      expect(run.stderr).toContain("nothing was started");
    } finally {
      rmSync(clone, { recursive: true, force: true });
    }
  });

  it("should count warnings as errors with --strict", async () => {
    const file = "test/fixtures/config/warnings/plain-http-download.yaml";
    const result = await runCli(["validate", "--strict", file], { home: home.path });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain(`${file}:6:27: error: model_source downloads over plain http`);
    expect(result.stdout).toContain(`${file}: invalid (1 error)`);
  });

  it("should validate a standalone LLMConfig file as one, and say what an ambiguous file lacks", async () => {
    const dir = mkdtempSync(join(tmpdir(), "llmserve-llm-config-"));
    try {
      writeFileSync(
        join(dir, "llama.yaml"),
        "model_loading_config:\n  model_id: llama\n  model_source: meta-llama/Llama-3.1-8B-Instruct\n" +
          "accelerator_type: null\nengine_kwargs:\n  tensor_parallel_size: 0\n",
      );
      writeFileSync(join(dir, "both.yaml"), "applications: []\nmodel_loading_config: {model_id: x}\n");
      writeFileSync(join(dir, "neither.yaml"), "models:\n  - llama\n");
      const result = await runCli(["validate", "--target", "ray", "llama.yaml", "both.yaml", "neither.yaml"], {
        home: home.path,
        cwd: dir,
      });
      expect(result.exitCode).toBe(1);
      expect(result.stdout).toBe(
        [
          "llama.yaml:6:25: error: tensor_parallel_size must be >= 1 (got 0) (at engine_kwargs.tensor_parallel_size)",
          "llama.yaml: invalid (1 error)",
          "both.yaml:2:1: error: this file has both 'applications' (a Serve config file) and 'model_loading_config' " +
            "(a standalone LLMConfig file); a file is one or the other: move the model into an application's " +
            "args.llm_configs (at model_loading_config)",
          "both.yaml: invalid (1 error)",
          "neither.yaml:1:1: error: cannot tell what this file is: a Serve config file has 'applications' at the top " +
            "level, a standalone LLMConfig file has 'model_loading_config', and this one has neither (top-level keys: " +
            "models) (at models)",
          "neither.yaml: invalid (1 error)",
        ].join("\n"),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
