import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { describe, expect, it } from "vitest";
import { createProgram } from "../../src/cli/main.js";
import { loadConfigFile } from "../../src/config/loadConfigFile.js";
import { reasoningParserNames } from "../../src/reasoning/createReasoningParser.js";
import { REPO_ROOT } from "../helpers/cli.js";

/** Every `llmserve ...` line of the README's sh blocks, without `npx ` and trailing comments. */
function readmeCommandLines(): string[] {
  const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
  const blocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1] ?? "");
  return blocks
    .flatMap((block) => block.split("\n"))
    .map((line) => line.replace(/\s+#.*$/, "").trim())
    .filter((line) => /^(npx )?llmserve /.test(line))
    .map((line) => line.replace(/^npx /, ""));
}

function optionNames(command: Command): string[] {
  return command.options.flatMap((option) => [option.long, option.short].filter((name): name is string => name !== undefined));
}

describe("README.md", () => {
  const lines = readmeCommandLines();

  it("should show the three lifecycle commands and the set-up commands", () => {
    const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
    expect(readme).toContain("npm install && npm run demo");
    expect(readme).toContain("npm install && npm test");
    expect(lines).toEqual(expect.arrayContaining(["llmserve run app.yaml --non-blocking", "llmserve status", "llmserve shutdown -y"]));
  });

  it.each(readmeCommandLines())("should name a real command with real options: %s", (line) => {
    const [, name, ...args] = line.split(/\s+/);
    const command = createProgram().commands.find((candidate) => candidate.name() === name);
    expect(command, `no command '${name}'`).toBeDefined();
    const known = optionNames(command!);
    for (const flag of args.filter((arg) => arg.startsWith("-"))) expect(known, `${name} has no ${flag}`).toContain(flag.split("=")[0]);
  });

  it("should name only config files that exist and are valid", async () => {
    const files = [...new Set(lines.flatMap((line) => line.split(/\s+/)).filter((arg) => /^examples\/.*\.yaml$/.test(arg)))];
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      expect(existsSync(join(REPO_ROOT, file)), file).toBe(true);
      const result = await loadConfigFile(join(REPO_ROOT, file));
      expect(result.diagnostics.filter((d) => d.severity === "error"), file).toEqual([]);
    }
  });
  it("should list exactly the reasoning parsers the local engine implements", () => {
    const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
    const sentence = /Parsers \(vLLM's names and semantics\):([^]*?)\. `engine_kwargs/.exec(readme)?.[1] ?? "";
    const listed = [...sentence.replace(/\([^)]*\)/g, "").matchAll(/`([a-z0-9_]+)`/g)].map((match) => match[1]);
    expect(listed).toEqual([...reasoningParserNames]);
  });
});
