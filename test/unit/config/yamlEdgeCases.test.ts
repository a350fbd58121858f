import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfigFile } from "../../../src/config/loadConfigFile.js";
import { formatDiagnostic } from "../../../src/config/formatDiagnostic.js";
import { createTempHome } from "../../helpers/cli.js";

const temp = createTempHome("llmserve-yaml-");
afterAll(() => temp.remove());
let counter = 0;

function write(content: string | Buffer): string {
  const path = join(temp.path, `edge${counter++}.yaml`);
  writeFileSync(path, content);
  return path;
}

const MODEL_APP =
  "applications:\n  - args:\n      llm_configs:\n        - model_loading_config: {model_id: m, model_source: 'hf:Qwen/Qwen3-0.6B-GGUF:Q8_0'}\n";

/** Loads and returns the diagnostics as FILE-less `LINE:COL: severity: message (at path)` strings. */
async function problems(content: string | Buffer): Promise<string[]> {
  const path = write(content);
  const result = await loadConfigFile(path);
  return result.diagnostics.map((d) => formatDiagnostic(d).slice(path.length + 1));
}

describe("loadConfigFile on YAML edge cases", () => {
  it("should refuse a binary file at the NUL byte", async () => {
    const path = write(Buffer.concat([Buffer.from("applications:\n  - x"), Buffer.from([0, 1, 2]), Buffer.from("\n")]));
    const { diagnostics, config } = await loadConfigFile(path);
    expect(config).toBeUndefined();
    expect(diagnostics).toEqual([
      {
        file: path,
        line: 2,
        column: 6,
        severity: "error",
        path: "",
        message: `${path} looks like a binary file (it contains a NUL byte), not a YAML config`,
      },
    ]);
  });

  it("should refuse invalid UTF-8 at the bad byte, counting characters not bytes", async () => {
    const path = write(Buffer.concat([Buffer.from(`${MODEL_APP}# café `), Buffer.from([0xe9, 0x0a])]));
    const { diagnostics } = await loadConfigFile(path);
    expect(diagnostics.map((d) => [d.line, d.column, d.message])).toEqual([
      [5, 8, `${path} is not valid UTF-8 (byte 0xe9); save it as UTF-8`],
    ]);
  });

  it("should refuse UTF-16 and accept a UTF-8 byte-order mark", async () => {
    expect(await problems(Buffer.from([0xff, 0xfe, 0x61, 0x00]))).toEqual([
      expect.stringMatching(/^1:1: error: .* is UTF-16 encoded; save it as UTF-8$/),
    ]);
    const withBom = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from(`${MODEL_APP}http_options: {port: x}\n`),
    ]);
    expect(await problems(withBom)).toEqual(["5:22: error: port must be an integer (got 'x') (at http_options.port)"]);
  });

  it("should refuse a file over 1 MiB without parsing it", async () => {
    const path = write(`${MODEL_APP}#${"x".repeat(1024 * 1024)}\n`);
    const { diagnostics } = await loadConfigFile(path);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ line: 1, column: 1, severity: "error" });
    expect(diagnostics[0]?.message).toMatch(/is 1048\d+ bytes, over the 1 MiB limit for a config file$/);
  });

  it("should report a missing file and a directory as one line each", async () => {
    const missing = join(temp.path, "nope.yaml");
    expect((await loadConfigFile(missing)).diagnostics).toEqual([
      { file: missing, line: 1, column: 1, severity: "error", path: "", message: `${missing} no such file` },
    ]);
    const dir = join(temp.path, "a-dir.yaml");
    mkdirSync(dir);
    expect((await loadConfigFile(dir)).diagnostics[0]?.message).toBe(`${dir} is a directory, not a config file`);
  });

  it("should keep positions right with CRLF line endings", async () => {
    expect(await problems(`${MODEL_APP}http_options:\n  port: x\n`.replace(/\n/g, "\r\n"))).toEqual([
      "6:9: error: port must be an integer (got 'x') (at http_options.port)",
    ]);
  });

  it("should read YAML 1.1 booleans as Ray's PyYAML does, but not y and n", async () => {
    const path = write(
      `${MODEL_APP}          engine_kwargs: {enable_auto_tool_choice: no, default_chat_template_kwargs: {y: 1, n: on, enable_thinking: off}}\n`,
    );
    const { config, diagnostics } = await loadConfigFile(path);
    expect(diagnostics).toEqual([]);
    const kwargs = config?.applications[0]?.llmConfigs[0]?.engineKwargs;
    expect(kwargs?.enable_auto_tool_choice).toBe(false);
    expect(kwargs?.default_chat_template_kwargs).toEqual({ y: 1, n: true, enable_thinking: false });
  });

  it("should follow aliases and merge keys, and point into the anchor", async () => {
    const text =
      "applications:\n  - args:\n      llm_configs:\n" +
      "        - model_loading_config: {model_id: m, model_source: 'hf:Qwen/Qwen3-0.6B-GGUF:Q8_0'}\n" +
      "          engine_kwargs: &kw\n            max_model_len: 4096\n            reasoning_parser: qwen\n" +
      "        - model_loading_config: {model_id: n, model_source: 'hf:Qwen/Qwen3-0.6B-GGUF:Q8_0'}\n" +
      "          engine_kwargs:\n            <<: *kw\n            reasoning_parser: qwen3\n";
    const found = await problems(text);
    expect(found).toEqual([
      expect.stringMatching(
        /^7:31: error: reasoning_parser must be one of .* \(got 'qwen'\); did you mean 'qwen3'\? \(at applications\[0\]\.args\.llm_configs\[0\]\.engine_kwargs\.reasoning_parser\)$/,
      ),
    ]);
    const fixed = write(text.replace("reasoning_parser: qwen\n", "reasoning_parser: deepseek_r1\n"));
    const { config } = await loadConfigFile(fixed);
    expect(config?.applications[0]?.llmConfigs[1]?.engineKwargs).toMatchObject({
      max_model_len: 4096,
      reasoning_parser: "qwen3",
    });
  });

  it("should stop an alias bomb and an undefined alias with one error", async () => {
    const bomb =
      "a: &a [1,1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n";
    expect(await problems(bomb)).toEqual([
      "1:1: error: cannot expand the YAML: Excessive alias count indicates a resource exhaustion attack",
    ]);
    expect(await problems("applications: *nope\n")).toEqual(["1:15: error: alias *nope has no anchor &nope before it"]);
  });

  it("should survive absurd nesting", async () => {
    expect(await problems(`a: ${"[".repeat(20000)}${"]".repeat(20000)}\n`)).toEqual([
      expect.stringMatching(/^1:\d+: error: the YAML is nested too deeply to read$/),
    ]);
  });

  it("should treat __proto__ as an unknown key without touching Object.prototype", async () => {
    expect(await problems(`${MODEL_APP}__proto__: {polluted: 1}\n`)).toEqual([
      "5:1: error: unknown key '__proto__' (allowed: applications, http_options, logging_config, proxy_location, grpc_options, target_capacity) (at __proto__)",
    ]);
    expect((Object.prototype as Record<string, unknown>)["polluted"]).toBeUndefined();
  });

  it("should point at the key of an empty value and quote odd keys in paths", async () => {
    expect(await problems(`${MODEL_APP}http_options:\n`)).toEqual([
      "5:1: error: http_options must be a mapping (got null) (at http_options)",
    ]);
    expect(await problems(`${MODEL_APP}1: x\n`)).toEqual([
      expect.stringMatching(/^5:1: error: unknown key '1' \(allowed: .*\) \(at \["1"\]\)$/),
    ]);
  });

  it("should report every YAML syntax error, each with its position", async () => {
    expect(await problems("applications:\n  - args: {a: 1\n  - b\n")).toEqual([
      "3:3: error: YAML syntax error: flow map in block collection must be sufficiently indented and end with a }",
    ]);
    expect(await problems("applications: []\napplications: []\nhttp_options: {}\nhttp_options: {}\n")).toEqual([
      "2:1: error: duplicate key 'applications'",
      "4:1: error: duplicate key 'http_options'",
    ]);
  });
});
