import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfigFile } from "../../../src/config/loadConfigFile.js";
import { translateForRay } from "../../../src/ray/translateForRay.js";
import { REPO_ROOT } from "../../helpers/cli.js";
import { rayServeConfigErrors } from "../../helpers/rayServeSchema.js";

const DOCS = join(REPO_ROOT, "test", "fixtures", "ray", "docs");
const LLMSERVE = join(REPO_ROOT, "test", "fixtures", "ray", "llmserve");
const EXAMPLES = join(REPO_ROOT, "examples");
const yamlIn = (dir: string): string[] => readdirSync(dir).filter((name) => name.endsWith(".yaml"));

/** The file as written, llm_configs paths inlined, after it validated for Ray: what deploy translates. */
async function readConfigForRay(path: string): Promise<Record<string, unknown>> {
  const { config, diagnostics } = await loadConfigFile(path, { target: "ray" });
  expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return structuredClone(config?.rawFile) as unknown as Record<string, unknown>;
}

describe("translateForRay on Ray's documented LLM config files", () => {
  it.each(yamlIn(DOCS))("should keep %s exactly as Ray documents it", async (name) => {
    const file = await readConfigForRay(join(DOCS, name));
    const { config, droppedPaths } = translateForRay(file);
    expect(config).toEqual(file);
    expect(droppedPaths).toEqual([]);
    expect(rayServeConfigErrors(config)).toEqual([]);
  });

  it("should inline llm_configs given as paths, since the cluster does not have this machine's files", async () => {
    const file = await readConfigForRay(join(DOCS, "standalone_config.yaml"));
    const { config } = translateForRay(file);
    const llmConfigs = (config.applications[0]?.["args"] as { llm_configs: unknown[] }).llm_configs;
    expect(llmConfigs).toHaveLength(2);
    expect(llmConfigs[0]).toEqual({
      model_loading_config: { model_id: "qwen-0.5b", model_source: "Qwen/Qwen2.5-0.5B-Instruct" },
      accelerator_type: "A10G",
      deployment_config: { autoscaling_config: { min_replicas: 1, max_replicas: 2 } },
    });
  });
});

describe("translateForRay on the corpus of real Ray Serve files", () => {
  const corpus = join(REPO_ROOT, "test", "fixtures", "ray", "corpus");
  // Ray's release tests name their model files from the directory they run in; so does this test.
  const serveFiles = [
    ...["docs", "unit/kv", "unit/builders"].flatMap((dir) => yamlIn(join(corpus, dir)).map((name) => ({ cwd: corpus, path: join(dir, name) }))),
    ...yamlIn(join(corpus, "release", "configs")).map((name) => ({ cwd: join(corpus, "release"), path: join("configs", name) })),
  ];

  it.each(serveFiles.map((f) => [f.path, f] as const))("should send %s to Ray as Ray's own file, paths inlined", async (_name, file) => {
    const previous = process.cwd();
    process.chdir(file.cwd);
    try {
      const raw = await readConfigForRay(file.path);
      const { config, droppedPaths } = translateForRay(raw);
      expect(config).toEqual(raw);
      expect(droppedPaths).toEqual([]);
      expect(rayServeConfigErrors(config)).toEqual([]);
    } finally {
      process.chdir(previous);
    }
  });
});

describe("translateForRay on the examples", () => {
  it.each(yamlIn(EXAMPLES))("should turn examples/%s into a config Ray's schema accepts, without llmserve's keys", async (name) => {
    const { config } = translateForRay(await readConfigForRay(join(EXAMPLES, name)));
    expect(rayServeConfigErrors(config)).toEqual([]);
    expect(JSON.stringify(config)).not.toMatch(/gguf_source|reasoning_field|api_key_env/);
  });

});

describe("translateForRay on llmserve files", () => {
  it.each(yamlIn(LLMSERVE))("should turn %s into a config Ray's schema accepts", async (name) => {
    const { config } = translateForRay(await readConfigForRay(join(LLMSERVE, name)));
    expect(rayServeConfigErrors(config)).toEqual([]);
  });

  it("should need the translation: Ray's schema rejects the untranslated file", async () => {
    const errors = rayServeConfigErrors(await readConfigForRay(join(LLMSERVE, "qwq-reasoning.yaml")));
    expect(errors).toContain("/applications/0: must have required property 'import_path'");
    expect(errors).toContain("/applications/0/args/llm_configs/0/model_loading_config: must NOT have additional properties 'gguf_source'");
  });

  it("should drop gguf_source, make import_path explicit and keep every Ray field", async () => {
    const file = await readConfigForRay(join(LLMSERVE, "qwq-reasoning.yaml"));
    const { config, droppedPaths } = translateForRay(file);
    expect(droppedPaths).toEqual(["applications[0].args.llm_configs[0].model_loading_config.gguf_source"]);
    expect(config).toEqual({
      http_options: { host: "127.0.0.1", port: 8000 },
      applications: [
        {
          name: "reasoning",
          route_prefix: "/",
          import_path: "ray.serve.llm:build_openai_app",
          runtime_env: { env_vars: { HF_TOKEN: "hf_llmserveFixtureSecret0123456789" } },
          args: {
            llm_configs: [
              {
                model_loading_config: { model_id: "qwq-32b", model_source: "Qwen/QwQ-32B" },
                accelerator_type: "A100-40G",
                engine_kwargs: { tensor_parallel_size: 8, max_model_len: 32768, reasoning_parser: "deepseek_r1" },
                deployment_config: {
                  autoscaling_config: { min_replicas: 1, max_replicas: 2, target_ongoing_requests: 16 },
                  max_ongoing_requests: 32,
                },
              },
            ],
          },
        },
      ],
    });
    expect(Object.keys(config.applications[0] ?? {})).toEqual(["name", "route_prefix", "import_path", "runtime_env", "args"]);
  });

  it("should keep default_chat_template_kwargs, which vLLM's frontend takes through Ray", async () => {
    const { config, droppedPaths } = translateForRay(await readConfigForRay(join(LLMSERVE, "multi-model-paths.yaml")));
    const chat = (config.applications[0]?.["args"] as { llm_configs: Array<Record<string, unknown>> }).llm_configs[0];
    expect(chat?.["engine_kwargs"]).toEqual({ reasoning_parser: "qwen3", default_chat_template_kwargs: { enable_thinking: true } });
    expect(droppedPaths).toEqual([
      "http_options.api_key_env",
      "applications[0].args.llm_configs[0].model_loading_config.gguf_source",
      "applications[0].args.llm_configs[0].engine_kwargs.reasoning_field",
      "applications[1].args.llm_configs[0].model_loading_config.gguf_source",
    ]);
    expect(config["http_options"]).toBeUndefined();
  });

  it("should warn that the cluster app has no API key when api_key_env is dropped", async () => {
    const { notes } = translateForRay(await readConfigForRay(join(LLMSERVE, "multi-model-paths.yaml")));
    expect(notes).toContainEqual(expect.stringMatching(/api_key_env .* accepts requests without a key/));
  });

  it("should keep the user's http_options.host and explain Ray's 0.0.0.0 default when it is unset", () => {
    const app = { args: { llm_configs: [{ model_loading_config: { model_id: "m" } }] } };
    const unset = translateForRay({ applications: [app] });
    expect(unset.config["http_options"]).toBeUndefined();
    expect(unset.notes.join("\n")).toMatch(/0\.0\.0\.0.*127\.0\.0\.1/);
    const local = translateForRay({ http_options: { host: "127.0.0.1" }, applications: [app] });
    expect(local.config["http_options"]).toEqual({ host: "127.0.0.1" });
    expect(local.notes.join("\n")).toMatch(/only from its own node/);
    const open = translateForRay({ http_options: { host: "0.0.0.0" }, applications: [app] });
    expect(open.notes).toEqual([]);
  });

  it("should put import_path first when the application has neither name nor route_prefix", () => {
    const { config } = translateForRay({ applications: [{ args: { llm_configs: [] } }] });
    expect(Object.keys(config.applications[0] ?? {})).toEqual(["import_path", "args"]);
  });

  it("should never modify its input", async () => {
    const file = await readConfigForRay(join(LLMSERVE, "qwq-reasoning.yaml"));
    const before = structuredClone(file);
    translateForRay(file);
    expect(file).toEqual(before);
  });

  it("should refuse a file whose llm_configs paths were not inlined", () => {
    expect(() => translateForRay({ applications: [{ args: { llm_configs: ["models/a.yaml"] } }] })).toThrow(/inline/);
    expect(() => translateForRay({})).toThrow(TypeError);
  });
});
