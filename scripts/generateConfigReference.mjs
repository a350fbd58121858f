// Writes docs/config-reference.md from schemas/llmserve.schema.json, so the reference can never drift from the
// schema. `--check` exits 1 (and writes nothing) when the committed file is out of date; a test runs it.
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const schema = JSON.parse(readFileSync(join(root, "schemas", "llmserve.schema.json"), "utf8"));
const outPath = join(root, "docs", "config-reference.md");

const resolve = (node) => {
  let current = node;
  while (current.$ref !== undefined) current = schema.$defs[current.$ref.replace("#/$defs/", "")];
  return current;
};
const code = (value) => `\`${typeof value === "string" && value !== "" ? value : JSON.stringify(value)}\``;
const cell = (text) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

function typeOf(entry) {
  if (entry.$ref !== undefined) {
    const target = resolve(entry);
    if (target.type === "object") return `mapping ([${target.title}](#${anchor(target.title)}))`;
    return `[${target.title}](#${anchor(target.title)})`;
  }
  if (entry.const !== undefined) return code(entry.const);
  if (entry.enum !== undefined) return entry.enum.map(code).join(", ");
  const branches = entry.anyOf ?? entry.oneOf;
  if (branches !== undefined) return branches.map(typeOf).join(" or ");
  const types = entry.type === undefined ? ["any"] : [].concat(entry.type);
  const words = types.map((t) => ({ object: "mapping", array: "list" })[t] ?? t);
  let text = words.join(" or ");
  if (entry.type === "array" && entry.items !== undefined) text = `list of ${typeOf(entry.items)}`;
  const bounds = [];
  if (entry.minimum !== undefined) bounds.push(`>= ${entry.minimum}`);
  if (entry.exclusiveMinimum !== undefined) bounds.push(`> ${entry.exclusiveMinimum}`);
  if (entry.maximum !== undefined) bounds.push(`<= ${entry.maximum}`);
  return bounds.length > 0 ? `${text} (${bounds.join(", ")})` : text;
}

function anchor(title) {
  return title.toLowerCase().replace(/[^a-z0-9]+/g, "-");
}

function marks(entry) {
  const valued = (entry.anyOf ?? []).filter((branch) => branch.type !== "null");
  const target = resolve(valued.length === 1 ? valued[0] : entry);
  const out = [];
  if (entry["x-llmserve-extension"] || target["x-llmserve-extension"]) out.push("**llmserve extension**");
  if (entry["x-ignored-locally"] || target["x-ignored-locally"]) out.push("*ignored locally*");
  return out.length > 0 ? `${out.join(", ")}. ` : "";
}

/** The `x-ray-since` annotation: `2.43+` for a release, `master` / `seen at <commit>` where no release is pinned. */
function raySince(entry) {
  const since = entry["x-ray-since"];
  if (since === undefined) return entry["x-llmserve-extension"] || resolve(entry)["x-llmserve-extension"] ? "no" : "";
  return /^\d+\.\d+/.test(since) ? `${since}+` : since;
}

function objectSection(title, node, where) {
  const lines = [`### ${title}`, "", `${where}`, "", marks(node) + (node.description ?? ""), ""];
  if (node.properties !== undefined) {
    lines.push("| key | type | default | Ray | description |", "|---|---|---|---|---|");
    const required = new Set(node.required ?? []);
    for (const [key, entry] of Object.entries(node.properties)) {
      const target = resolve(entry);
      const fallback = entry.default ?? target.default;
      const description = entry.description ?? target.description ?? "";
      lines.push(
        `| ${code(key)}${required.has(key) ? " (required)" : ""} | ${cell(typeOf(entry))} | ${fallback === undefined ? "" : cell(code(fallback))} | ${raySince(entry)} | ${cell(marks(entry) + description)} |`,
      );
    }
    lines.push("");
  }
  return lines;
}

const sections = [
  ["LlmServeConfigFile", schema, "The whole file."],
  ["HttpOptions", schema.$defs.HttpOptions, "`http_options`"],
  ["LoggingConfig", schema.$defs.LoggingConfig, "`logging_config`, also per application and in `deployment_config`"],
  ["GrpcOptions", schema.$defs.GrpcOptions, "`grpc_options`"],
  ["Application", schema.$defs.Application, "`applications[]`"],
  ["ApplicationArgs", schema.$defs.ApplicationArgs, "`applications[].args`"],
  ["RuntimeEnv", schema.$defs.RuntimeEnv, "`applications[].runtime_env` and `...llm_configs[].runtime_env`"],
  ["LlmConfig", schema.$defs.LlmConfig, "`applications[].args.llm_configs[]` (inline, or the content of a file named there)"],
  ["ModelLoadingConfig", schema.$defs.ModelLoadingConfig, "`...llm_configs[].model_loading_config`"],
  ["CloudMirrorConfig", schema.$defs.CloudMirrorConfig, "`...model_loading_config.model_source` as a mapping"],
  ["EngineKwargs", schema.$defs.EngineKwargs, "`...llm_configs[].engine_kwargs`"],
  ["DeploymentConfig", schema.$defs.DeploymentConfig, "`...llm_configs[].deployment_config`"],
  ["AutoscalingConfig", schema.$defs.AutoscalingConfig, "`...deployment_config.autoscaling_config`"],
  ["LoraConfig", schema.$defs.LoraConfig, "`...llm_configs[].lora_config`"],
  ["PlacementGroupConfig", schema.$defs.PlacementGroupConfig, "`...llm_configs[].placement_group_config`"],
];

const lines = [
  "<!-- Generated from schemas/llmserve.schema.json by `npm run docs:config`. Do not edit by hand. -->",
  "",
  "# llmserve configuration reference",
  "",
  "An llmserve config file is a Ray Serve config file (`serve run` / `serve deploy`) for Ray Serve LLM's",
  "`build_openai_app`. Check one with `llmserve validate FILE` (`--target ray` to check it for a Ray cluster instead).",
  "Editors that use yaml-language-server validate and complete it with this first line:",
  "",
  "```yaml",
  "# yaml-language-server: $schema=./node_modules/llmserve/schemas/llmserve.schema.json",
  "```",
  "",
  "(the path is relative to the config file: point it at `schemas/llmserve.schema.json` of an llmserve install or",
  "checkout, as the files in `examples/` do with `../schemas/llmserve.schema.json`).",
  "",
  "A file may also hold one standalone LLMConfig (the files that `llm_configs: [./model_config/x.yaml]` names, with",
  "`model_loading_config` at the top level); `llmserve validate` checks it exactly as inside a Serve file.",
  "",
  "*ignored locally*: a Ray or vLLM setting that llmserve accepts, with a warning, and does not use on one machine.",
  "**llmserve extension**: llmserve's own key, dropped when the file is deployed to Ray.",
  "Other vLLM engine arguments in `engine_kwargs` are accepted and ignored locally with a warning; a key vLLM does",
  "not know is an error, as in Ray.",
  "The Ray column gives the first Ray release whose Serve LLM accepts the key (`2.43+`), or, for keys newer than any",
  "release checked, the Ray commit they were read at (`seen at <commit>`; `master`: Ray's documentation of its master",
  "branch); `no` marks llmserve's own keys. It is the schema's `x-ray-since` annotation.",
  "",
];
for (const [title, node, where] of sections) lines.push(...objectSection(title, node, where));
for (const name of ["ReasoningParserName", "ToolCallParserName", "RayAcceleratorType", "LocalAcceleratorType"]) {
  const node = schema.$defs[name];
  lines.push(`### ${name}`, "", node.description, "", node.enum.map(code).join(", "), "");
}
const AcceleratorType = schema.$defs.AcceleratorType;
lines.push("### AcceleratorType", "", AcceleratorType.description, "", "One of [RayAcceleratorType](#rayacceleratortype) or [LocalAcceleratorType](#localacceleratortype).", "");
const text = `${lines.join("\n").replace(/\n{3,}/g, "\n\n").trimEnd()}\n`;

if (process.argv.includes("--check")) {
  let current = "";
  try {
    current = readFileSync(outPath, "utf8");
  } catch {}
  if (current !== text) {
    process.stderr.write("docs/config-reference.md is out of date; run `npm run docs:config`\n");
    process.exit(1);
  }
} else {
  mkdirSync(dirname(outPath), { recursive: true });
  writeFileSync(outPath, text);
}
