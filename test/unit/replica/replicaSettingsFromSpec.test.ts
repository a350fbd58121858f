import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfigFile } from "../../../src/config/loadConfigFile.js";
import { replicaSpecFor } from "../../../src/config/replicaSpecFor.js";
import { replicaSettingsFromSpec } from "../../../src/replica/replicaSettingsFromSpec.js";
import { createTempHome } from "../../helpers/cli.js";

describe("replica settings from a config (replicaSpecFor + replicaSettingsFromSpec)", () => {
  const home = createTempHome();
  writeFileSync(join(home.path, "model.gguf"), "GGUF");
  afterAll(() => home.remove());

  async function settingsFor(yaml: string, env: NodeJS.ProcessEnv = {}) {
    const path = join(home.path, `c${Math.random().toString(16).slice(2)}.yaml`);
    writeFileSync(path, yaml);
    const { config, diagnostics } = await loadConfigFile(path, { target: "local" });
    if (config === undefined) throw new Error(JSON.stringify(diagnostics));
    const app = config.applications[0]!;
    const llmConfig = app.llmConfigs[0]!;
    // As `llmserve replica --config` does: resolve the spec, then apply the replica's environment.
    const processEnv = { LLMSERVE_HOME: home.path, ...env };
    return replicaSettingsFromSpec(replicaSpecFor(config, app, llmConfig, processEnv), { ...processEnv, ...llmConfig.envVars });
  }

  it("should read engine_kwargs, deployment_config and env vars from the llm_config", async () => {
    const settings = await settingsFor(`
applications:
  - name: chat
    args:
      llm_configs:
        - model_loading_config: { model_id: m1, model_source: ./model.gguf }
          accelerator_type: CPU
          deployment_config: { max_ongoing_requests: 6, max_queued_requests: 3, graceful_shutdown_timeout_s: 7 }
          engine_kwargs:
            max_model_len: 1024
            reasoning_parser: qwen3
            reasoning_field: reasoning_content
            thinking_token_budget: 64
            seed: 11
            default_chat_template_kwargs: { enable_thinking: false }
          runtime_env: { env_vars: { HF_TOKEN: hf_x, LLMSERVE_THREADS: "3" } }
`);
    expect(settings).toMatchObject({
      appName: "chat",
      modelId: "m1",
      gpu: false,
      threads: 3,
      sequences: 6,
      contextSize: 1024,
      maxQueuedRequests: 3,
      reasoningParser: "qwen3",
      reasoningField: "reasoning_content",
      thinkingTokenBudget: 64,
      defaultSeed: 11,
      defaultChatTemplateKwargs: { enable_thinking: false },
      hfToken: "hf_x",
      gracefulShutdownTimeoutS: 7,
      modelsDir: join(home.path, "models"),
    });
    expect(settings.modelSource).toBe(join(home.path, "model.gguf"));
  });

  it("should take reasoning_config's strings as the parser's tags, with deepseek_r1's rules when no parser is named", async () => {
    const withConfig = (kwargs: string) =>
      settingsFor(`
applications:
  - args:
      llm_configs:
        - model_loading_config: { model_id: m1, model_source: ./model.gguf }
          engine_kwargs: ${kwargs}
`);
    const tags = { start: "<|begin_of_thought|>", end: "<|end_of_thought|>" };
    const strings = `reasoning_start_str: "${tags.start}", reasoning_end_str: "${tags.end}"`;
    expect(await withConfig(`{ reasoning_config: { ${strings} } }`)).toMatchObject({ reasoningParser: "deepseek_r1", reasoningTags: tags });
    expect(await withConfig(`{ reasoning_parser: qwen3, reasoning_config: { ${strings} } }`)).toMatchObject({ reasoningParser: "qwen3", reasoningTags: tags });
    const namedOnly = await withConfig(`{ reasoning_config: { reasoning_parser: step3p5 } }`);
    expect([namedOnly.reasoningParser, namedOnly.reasoningTags]).toEqual(["step3p5", undefined]);
    const neither = await withConfig(`{ max_model_len: 512 }`);
    expect([neither.reasoningParser, neither.reasoningTags]).toEqual([undefined, undefined]);
  });

  it("should prefer max_num_seqs and honour HF_ENDPOINT from the environment", async () => {
    const settings = await settingsFor(
      `
applications:
  - args:
      llm_configs:
        - model_loading_config: { model_id: m2, model_source: "hf:acme/x-GGUF:Q4_K_M" }
          engine_kwargs: { max_num_seqs: 12 }
`,
      { HF_ENDPOINT: "http://mirror.local" },
    );
    expect(settings.sequences).toBe(12);
    expect(settings.hfEndpoint).toBe("http://mirror.local/");
    expect(settings.modelSource).toBe("hf:acme/x-GGUF:Q4_K_M");
    expect(settings.maxQueuedRequests).toBe(256);
    expect(settings.allowCpuFallback).toBe(true);
  });
});
