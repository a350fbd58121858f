import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isMap, isSeq, parseDocument, type Document } from "yaml";
import type { Diagnostic } from "../../../src/config/Diagnostic.js";
import { loadConfigFile } from "../../../src/config/loadConfigFile.js";
import { REPO_ROOT, runCli } from "../../helpers/cli.js";

// Real Ray Serve LLM files (test/fixtures/ray/corpus/README.md names the source of each): Serve files and standalone
// LLMConfig files, checked as Ray would judge them, then with a GGUF source added as llmserve runs them locally.
const CORPUS = join(REPO_ROOT, "test", "fixtures", "ray", "corpus");
const DOCS = join(REPO_ROOT, "test", "fixtures", "ray", "docs");
/** Where each group is validated from: Ray's release tests name `./configs/model_config/...` from their directory. */
const GROUPS = [
  { cwd: join(CORPUS, "docs"), dir: join(CORPUS, "docs") },
  { cwd: join(CORPUS, "release"), dir: join(CORPUS, "release") },
  { cwd: join(CORPUS, "unit"), dir: join(CORPUS, "unit") },
  { cwd: DOCS, dir: DOCS },
];
const GGUF = "hf:example/model-GGUF:Q4_K_M";
/**
 * The one thing the local engine lacks that a corpus file uses, reported as an error for the local target only
 * (`file: key path`, relative to the repository).
 */
const LOCAL_ONLY_ERRORS: readonly string[] = [
  "test/fixtures/ray/corpus/docs/direct_streaming_config.yaml: applications[0].args.llm_configs[0].engine_kwargs.tool_call_parser",
];

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((name) => name.endsWith(".yaml"))
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile())
    .sort();
}

async function validate(cwd: string, target: "ray" | "local", files: readonly string[]): Promise<Diagnostic[]> {
  const result = await runCli(["validate", "--json", "--target", target, ...files.map((f) => relative(cwd, f))], { cwd });
  expect(result.stderr).toBe("");
  return JSON.parse(String(result.stdout)) as Diagnostic[];
}

const errorsOf = (diagnostics: readonly Diagnostic[]) => diagnostics.filter((d) => d.severity === "error");

describe("the corpus of real Ray files", () => {
  it("should hold both kinds from Ray's docs, release tests and unit tests", () => {
    const all = GROUPS.flatMap((g) => yamlFiles(g.dir));
    const standalone = all.filter((f) => /^model_loading_config:/m.test(readFileSync(f, "utf8")));
    expect(all.length).toBeGreaterThanOrEqual(30);
    expect(standalone.length).toBeGreaterThanOrEqual(12);
    expect(all.length - standalone.length).toBeGreaterThanOrEqual(15);
  });

  it.each(GROUPS.map((g) => [relative(REPO_ROOT, g.dir), g] as const))(
    "should validate every file under %s for --target ray",
    async (_name, group) => {
      expect(errorsOf(await validate(group.cwd, "ray", yamlFiles(group.dir)))).toEqual([]);
    },
  );

  describe("with a GGUF source added to every model", () => {
    const copy = mkdtempSync(join(tmpdir(), "llmserve-ray-corpus-"));
    afterAll(() => rmSync(copy, { recursive: true, force: true }));

    it.each(GROUPS.map((g) => [relative(REPO_ROOT, g.dir), g] as const))(
      "should validate every file under %s for the local target",
      async (name, group) => {
        const dir = join(copy, name);
        cpSync(group.dir, dir, { recursive: true });
        const files = yamlFiles(dir);
        for (const file of files) writeFileSync(file, withGgufSource(readFileSync(file, "utf8")));
        const errors = errorsOf(await validate(dir, "local", files));
        const shown = errors.map((d) => `${relative(copy, join(dir, d.file))}: ${d.path}`);
        expect(shown).toEqual(LOCAL_ONLY_ERRORS.filter((e) => e.startsWith(`${name}/`)));
        for (const error of errors) expect(error.message).toMatch(/local engine does not implement/);
      },
    );
  });
});

/** The YAML text with `model_loading_config.gguf_source` set in every inline LLMConfig (comments kept). */
function withGgufSource(text: string): string {
  const doc = parseDocument(text, { version: "1.1" });
  const contents = doc.contents;
  if (!isMap(contents)) return text;
  if (contents.has("model_loading_config")) addGguf(doc, []);
  const apps = contents.get("applications");
  if (isSeq(apps)) {
    apps.items.forEach((_app, appIndex) => {
      const list = doc.getIn(["applications", appIndex, "args", "llm_configs"]);
      if (!isSeq(list)) return;
      list.items.forEach((item, index) => {
        if (isMap(item)) addGguf(doc, ["applications", appIndex, "args", "llm_configs", index]);
      });
    });
  }
  return doc.toString();
}

function addGguf(doc: Document, at: (string | number)[]): void {
  doc.setIn([...at, "model_loading_config", "gguf_source"], GGUF);
}

/** `LINE:COL PATH: MESSAGE` (prefixed by the file when it is not the one loaded); a trailing `…` matches a prefix. */
const MISTAKES: Readonly<Record<string, readonly string[]>> = {
  "model_config/bad_values.yaml": [
    "4:17 model_loading_config.model_source.bucket_uri: bucket_uri must be an s3://, gs://, abfss:// or azure:// URI (got 'https://example.com/weights')",
    "6:19 accelerator_type: accelerator_type must be one of V100, P100, T4, …",
    "9:30 lora_config.dynamic_lora_loading_path: dynamic_lora_loading_path must be an s3://, gs://, abfss:// or azure:// URI (Ray refuses other paths) (got '/mnt/lora')",
    "12:22 engine_kwargs.disable_log_stats: disable_log_stats cannot be true while log_engine_metrics is on (the default); set log_engine_metrics: false (Ray refuses this too)",
    "13:3 engine_kwargs.max_model_length: unknown engine argument 'max_model_length', did you mean 'max_model_len'?",
    "16:3 experimental_configs.num_router_replicas: 'num_router_replicas' was renamed 'num_ingress_replicas' (Ray refuses the old name)",
  ],
  "model_config/min_above_max.yaml": [
    "7:19 deployment_config.autoscaling_config.min_replicas: min_replicas (4) is greater than max_replicas (2)",
  ],
  "model_config/model_id_at_top.yaml": [
    "1:1 model_loading_config: missing required key 'model_loading_config'",
    "1:1 model_id: 'model_id' belongs under 'model_loading_config'",
    "2:1 model_source: 'model_source' belongs under 'model_loading_config'",
  ],
  "model_config/num_replicas_with_autoscaling.yaml": [
    "5:3 deployment_config.num_replicas: num_replicas cannot be used together with autoscaling_config (Ray refuses this too); remove one of them",
  ],
  "model_config/tensor_parallel_zero.yaml": [
    "8:25 engine_kwargs.tensor_parallel_size: tensor_parallel_size must be >= 1 (got 0)",
  ],
  "model_config/typos.yaml": [
    "3:3 model_loading_config.model_sourc: unknown key 'model_sourc', did you mean 'model_source'?",
    "5:1 engine_kwarg: unknown key 'engine_kwarg', did you mean 'engine_kwargs'?",
    "10:5 deployment_config.autoscaling_config.max_replica: unknown key 'max_replica', did you mean 'max_replicas'?",
  ],
  "model_config/wrong_types.yaml": [
    "7:18 engine_kwargs.max_model_len: max_model_len must be an integer (got '8k')",
    "11:25 deployment_config.max_ongoing_requests: max_ongoing_requests must be an integer (got '32')",
    "13:19 deployment_config.autoscaling_config.min_replicas: min_replicas must be an integer (got 'one')",
  ],
  "serve_inline_mistakes.yaml": [
    "9:13 applications[0].args.llm_configs[0].deployment_config.num_replicas: num_replicas cannot be used together with autoscaling_config (Ray refuses this too); remove one of them",
    "11:29 applications[0].args.llm_configs[0].deployment_config.autoscaling_config.min_replicas: min_replicas (3) is greater than max_replicas (1)",
    "14:35 applications[0].args.llm_configs[0].engine_kwargs.tensor_parallel_size: tensor_parallel_size must be >= 1 (got 0)",
    "15:28 applications[0].args.llm_configs[0].engine_kwargs.max_model_len: max_model_len must be an integer (got '2048')",
    "16:18 applications[0].import_path: import_path must be 'ray.serve.llm:build_openai_app' (got 'ray.serve.llm:build_openai_ap'); …",
    "18:19 applications[0].route_prefix: route_prefix must start with '/', must not end with '/' unless it is '/', and must not contain '{' or '}' (got 'v1')",
  ],
  "serve_names_broken_model_config.yaml": [
    "5:11 applications[0].args.llm_configs[1]: llm_config file './model_config/missing.yaml' does not exist (looked at <mistakes>/model_config/missing.yaml and <root>/model_config/missing.yaml)",
    "model_config/tensor_parallel_zero.yaml:8:25 applications[0].args.llm_configs[0].engine_kwargs.tensor_parallel_size: tensor_parallel_size must be >= 1 (got 0)",
  ],
  "serve_with_model_loading_config.yaml": [
    "6:1 model_loading_config: this file has both 'applications' (a Serve config file) and 'model_loading_config' (a standalone LLMConfig file); a file is one or the other: move the model into an application's args.llm_configs",
  ],
};

describe("realistic mistakes in Ray files", () => {
  const dir = "test/fixtures/ray/corpus/mistakes";

  it("should have an expectation for every mistake file", () => {
    const files = yamlFiles(join(REPO_ROOT, dir)).map((f) => relative(join(REPO_ROOT, dir), f));
    expect(files).toEqual(Object.keys(MISTAKES).sort());
  });

  for (const target of ["ray", "local"] as const) {
    it.each(Object.entries(MISTAKES))(`should locate every mistake in %s (target ${target})`, async (name, expected) => {
      const { diagnostics, config } = await loadConfigFile(join(dir, name), { target, kinds: ["serve", "llm-config"] });
      expect(config).toBeUndefined();
      // The local target adds what it needs on top (a GGUF source): the Ray findings are all there, where they were.
      const shown = diagnostics
        .filter((d) => target === "ray" || d.severity === "error")
        .map((d) => `${d.file === join(dir, name) ? "" : `${relative(dir, d.file)}:`}${d.line}:${d.column} ${d.path}: ${d.message}`);
      const wanted = expected.map((e) => {
        const text = e.replaceAll("<mistakes>", join(REPO_ROOT, dir)).replaceAll("<root>/", join(REPO_ROOT, "/"));
        return text.endsWith("…") ? expect.stringMatching(`^${escapeRegExp(text.slice(0, -1))}`) : text;
      });
      if (target === "ray") expect(shown).toEqual(wanted);
      else expect(shown).toEqual(expect.arrayContaining(wanted));
    });
  }

  it("should report a mistake in a standalone LLMConfig file where the Serve file naming it reports it", async () => {
    const alone = await loadConfigFile(join(dir, "model_config/tensor_parallel_zero.yaml"), { kinds: ["llm-config"] });
    const named = await loadConfigFile(join(dir, "serve_names_broken_model_config.yaml"));
    const inFile = named.diagnostics.filter((d) => d.file.endsWith("tensor_parallel_zero.yaml"));
    const where = (d: Diagnostic) => ({ file: d.file, line: d.line, column: d.column, message: d.message });
    expect(inFile.map(where)).toEqual(alone.diagnostics.filter((d) => d.severity === "error").map(where));
  });

  it("should refuse a standalone LLMConfig file where a Serve file is needed, as `run` does", async () => {
    const { diagnostics, config } = await loadConfigFile(join(dir, "model_config/min_above_max.yaml"));
    expect(config).toBeUndefined();
    expect(diagnostics).toEqual([
      expect.objectContaining({ line: 1, column: 1, severity: "error", message: expect.stringMatching(/^this is a standalone LLMConfig file/) }),
    ]);
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

describe("allowed values for the Ray target", () => {
  it("should list only the accelerator types Ray knows", async () => {
    const file = "test/fixtures/ray/corpus/mistakes/model_config/bad_values.yaml";
    const ray = await loadConfigFile(file, { target: "ray", kinds: ["llm-config"] });
    const local = await loadConfigFile(file, { target: "local", kinds: ["llm-config"] });
    const message = (r: typeof ray) => r.diagnostics.find((d) => d.path === "accelerator_type")?.message ?? "";
    expect(message(ray)).toMatch(/A100-80G, A10 or null \(got 'A100-40GB'\); did you mean 'A100-40G'\?$/);
    expect(message(ray)).not.toMatch(/RTX-4090|CPU/);
    expect(message(local)).toMatch(/RTX-4090/);
  });
});
