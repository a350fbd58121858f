import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createHash } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfigFile } from "../../../src/config/loadConfigFile.js";
import { createTempHome } from "../../helpers/cli.js";

const temp = createTempHome("llmserve-config-");
afterAll(() => temp.remove());
let counter = 0;

function write(text: string, name = `c${counter++}.yaml`): string {
  const path = join(temp.path, name);
  writeFileSync(path, text);
  return path;
}

const MODEL = "model_loading_config: {model_id: m, model_source: 'hf:Qwen/Qwen3-0.6B-GGUF:Q8_0'}";

describe("loadConfigFile defaults and resolution", () => {
  it("should fill llmserve's and Ray's defaults", async () => {
    const path = write(`applications:\n  - args:\n      llm_configs:\n        - ${MODEL}\n`);
    const { config, diagnostics } = await loadConfigFile(path);
    expect(diagnostics).toEqual([]);
    expect(config?.httpOptions).toEqual({ host: "127.0.0.1", port: 8000, keep_alive_timeout_s: 5 });
    const app = config?.applications[0];
    expect(app).toMatchObject({ name: "default", routePrefix: "/" });
    expect(config?.file.applications[0]?.import_path).toBe("ray.serve.llm:build_openai_app");
    const llm = app?.llmConfigs[0];
    expect(llm).toMatchObject({
      modelId: "m",
      modelSource: "hf:Qwen/Qwen3-0.6B-GGUF:Q8_0",
      ggufSource: "hf:Qwen/Qwen3-0.6B-GGUF:Q8_0",
      deploymentName: "LLMServer:m",
      initialReplicas: 1,
      engineKwargs: {
        tensor_parallel_size: 1,
        pipeline_parallel_size: 1,
        reasoning_field: "both",
      },
      deploymentConfig: {
        max_queued_requests: -1,
        health_check_period_s: 10,
        health_check_timeout_s: 10,
        graceful_shutdown_timeout_s: 20,
      },
      autoscaling: {
        min_replicas: 1,
        max_replicas: 1,
        initial_replicas: 1,
        target_ongoing_requests: 2,
        upscale_delay_s: 30,
        downscale_delay_s: 600,
        downscale_to_zero_delay_s: 600,
        upscaling_factor: 1,
        downscaling_factor: 1,
        look_back_period_s: 30,
        metrics_interval_s: 10,
        aggregation_function: "mean",
      },
    });
    expect(llm?.acceleratorType).toBeUndefined();
    // Ray-only settings get no defaults: nothing pretends they were configured.
    expect(config?.file).not.toHaveProperty("proxy_location");
    expect(config?.rawFile.applications[0]).not.toHaveProperty("import_path");
  });

  it("should use num_replicas as a fixed count, and auto as Ray's default autoscaling", async () => {
    const path = write(
      `applications:\n  - args:\n      llm_configs:\n        - ${MODEL}\n          deployment_config: {num_replicas: 3}\n` +
        `        - model_loading_config: {model_id: n, model_source: 'hf:a/b:Q4_0'}\n          deployment_config: {num_replicas: auto}\n`,
    );
    const { config } = await loadConfigFile(path);
    const [fixed, auto] = config?.applications[0]?.llmConfigs ?? [];
    expect(fixed?.autoscaling).toBeUndefined();
    expect(fixed?.initialReplicas).toBe(3);
    expect(auto?.autoscaling).toMatchObject({ min_replicas: 1, max_replicas: 100, target_ongoing_requests: 2 });
    expect(auto?.initialReplicas).toBe(1);
  });

  it("should prefer initial_replicas, then min_replicas", async () => {
    const path = write(
      `applications:\n  - args:\n      llm_configs:\n        - ${MODEL}\n          deployment_config:\n            autoscaling_config: {min_replicas: 0, initial_replicas: 2, max_replicas: 3, upscale_smoothing_factor: 0.5}\n`,
    );
    const llm = (await loadConfigFile(path)).config?.applications[0]?.llmConfigs[0];
    expect(llm?.initialReplicas).toBe(2);
    expect(llm?.autoscaling?.upscaling_factor).toBe(0.5);
    expect(llm?.autoscaling?.downscaling_factor).toBe(1);
  });

  it("should merge the application's env_vars under the model's", async () => {
    const path = write(
      `applications:\n  - runtime_env: {env_vars: {A: app, B: app}}\n    args:\n      llm_configs:\n        - ${MODEL}\n          runtime_env: {env_vars: {B: model, C: model}}\n`,
    );
    const llm = (await loadConfigFile(path)).config?.applications[0]?.llmConfigs[0];
    expect(llm?.envVars).toEqual({ A: "app", B: "model", C: "model" });
  });

  it("should resolve a local GGUF path against the file that names it", async () => {
    mkdirSync(join(temp.path, "sub", "models"), { recursive: true });
    writeFileSync(join(temp.path, "sub", "models", "tiny.gguf"), "GGUF");
    writeFileSync(
      join(temp.path, "sub", "model.yaml"),
      "model_loading_config:\n  model_id: tiny\n  model_source: models/tiny.gguf\n",
    );
    const path = write(
      `applications:\n  - args:\n      llm_configs:\n        - sub/model.yaml\n        - model_loading_config: {model_id: t2, gguf_source: ./sub/models/tiny.gguf}\n`,
    );
    const { config, diagnostics } = await loadConfigFile(path);
    expect(diagnostics).toEqual([]);
    const [fromFile, inline] = config?.applications[0]?.llmConfigs ?? [];
    expect(fromFile?.ggufSource).toBe(join(temp.path, "sub", "models", "tiny.gguf"));
    expect(inline?.ggufSource).toBe(join(temp.path, "sub", "models", "tiny.gguf"));
    expect(config?.file.applications[0]?.args.llm_configs[0]).toMatchObject({
      model_loading_config: { model_id: "tiny" },
    });
  });

  it("should hash the file's bytes", async () => {
    const text = `applications:\n  - args:\n      llm_configs:\n        - ${MODEL}\n`;
    const { config } = await loadConfigFile(write(text));
    expect(config?.sourceHash).toBe(createHash("sha256").update(text).digest("hex"));
    expect(config?.sourcePath).toMatch(/^\//);
  });

  it("should normalise Ray's A10 alias and keep GGUF optional for Ray", async () => {
    const path = write(
      `applications:\n  - args:\n      llm_configs:\n        - model_loading_config: {model_id: Qwen/Qwen3-8B}\n          accelerator_type: A10\n`,
    );
    const local = await loadConfigFile(path);
    expect(local.config).toBeUndefined();
    const ray = await loadConfigFile(path, { target: "ray" });
    expect(ray.diagnostics).toEqual([]);
    const llm = ray.config?.applications[0]?.llmConfigs[0];
    expect(llm?.acceleratorType).toBe("A10G");
    expect(llm?.ggufSource).toBeUndefined();
    expect(llm?.modelSource).toBe("Qwen/Qwen3-8B");
    expect(llm?.deploymentName).toBe("LLMServer:Qwen--Qwen3-8B");
  });

  it("should deep-freeze the result", async () => {
    const { config } = await loadConfigFile(
      write(`applications:\n  - args:\n      llm_configs:\n        - ${MODEL}\n`),
    );
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config?.applications[0]?.llmConfigs[0]?.engineKwargs)).toBe(true);
    expect(Object.isFrozen(config?.file.http_options)).toBe(true);
    expect(() => {
      (config?.httpOptions as { port: number }).port = 1;
    }).toThrow(TypeError);
  });
});
