import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfigFile } from "../../../src/config/loadConfigFile.js";
import { REPO_ROOT } from "../../helpers/cli.js";

const examplesDir = join(REPO_ROOT, "examples");
const examples = readdirSync(examplesDir).filter((f) => f.endsWith(".yaml"));

describe("examples/", () => {
  it("should hold the two seed deployments, a CPU example and a multi-model one", () => {
    expect(examples).toEqual(
      expect.arrayContaining([
        "qwq-32b-reasoning.yaml",
        "qwen3-32b-hybrid.yaml",
        "qwen3-0.6b-cpu.yaml",
        "multi-model.yaml",
      ]),
    );
  });

  for (const name of examples) {
    for (const target of ["local", "ray"] as const) {
      it(`should load ${name} for target ${target} with no diagnostic at all`, async () => {
        const result = await loadConfigFile(join(examplesDir, name), { target });
        const problems = result.diagnostics.filter((d) => target === "local" || d.severity === "error");
        expect(problems).toEqual([]);
        expect(result.config).toBeDefined();
      });
    }

    it(`should start ${name} with the yaml-language-server schema line`, async () => {
      const { readFile } = await import("node:fs/promises");
      const text = await readFile(join(examplesDir, name), "utf8");
      expect(text.split("\n", 1)[0]).toBe("# yaml-language-server: $schema=../schemas/llmserve.schema.json");
    });
  }

  it("should resolve the QwQ seed as the issue describes it", async () => {
    const { config } = await loadConfigFile(join(examplesDir, "qwq-32b-reasoning.yaml"));
    const llm = config?.applications[0]?.llmConfigs[0];
    expect(llm).toMatchObject({
      modelId: "my-qwq-32B",
      modelSource: "Qwen/QwQ-32B",
      ggufSource: "hf:Qwen/QwQ-32B-GGUF:Q4_K_M",
      acceleratorType: "A100-40G",
      initialReplicas: 1,
      engineKwargs: { tensor_parallel_size: 8, max_model_len: 32768, reasoning_parser: "deepseek_r1" },
      autoscaling: { min_replicas: 1, max_replicas: 2, target_ongoing_requests: 2 },
    });
  });

  it("should resolve the hybrid Qwen3 seed with the qwen3 parser", async () => {
    const { config } = await loadConfigFile(join(examplesDir, "qwen3-32b-hybrid.yaml"));
    expect(config?.applications[0]?.llmConfigs[0]?.engineKwargs.reasoning_parser).toBe("qwen3");
    expect(config?.applications[0]?.llmConfigs[0]?.ggufSource).toBe("hf:Qwen/Qwen3-32B-GGUF:Q4_K_M");
  });

  it("should inline the multi-model example's llm_config file", async () => {
    const { config } = await loadConfigFile(join(examplesDir, "multi-model.yaml"));
    const reasoning = config?.applications.find((a) => a.name === "reasoning");
    expect(reasoning?.llmConfigs.map((m) => m.modelId)).toEqual(["qwen3-1.7b", "deepseek-r1-distill-qwen-1.5b"]);
    expect(reasoning?.llmConfigs[1]?.engineKwargs.reasoning_parser).toBe("deepseek_r1");
    expect(config?.httpOptions.api_key_env).toBe("LLMSERVE_API_KEY");
  });
});
