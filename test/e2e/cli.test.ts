import { readFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, describe, expect, it } from "vitest";
import { createTempHome, REPO_ROOT, runCli } from "../helpers/cli.js";

const VERSION = (JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { version: string }).version;

// Issue 2: `npx llmserve` works from the clone, --help lists exactly the working commands, --version prints the
// package's version, and a wrong command line is a usage error (exit 2) without a stack trace.
describe("the llmserve command line", () => {
  const home = createTempHome();
  afterAll(() => home.remove());

  it("should run through npx from the clone", async () => {
    // npx links the clone into its cache as a file: dependency, which runs the clone's prepare (a full build) unless
    // scripts are off; `npm test` has built dist/ already, and a rebuild here would rewrite it under running tests.
    const env = { LLMSERVE_HOME: home.path, npm_config_ignore_scripts: "true" };
    const result = await execa("npx", ["--no-install", "llmserve", "--version"], { cwd: REPO_ROOT, reject: false, env });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe(VERSION);
  });

  it("should list the user commands in --help and hide the controller daemon", async () => {
    const result = await runCli(["--help"], { home: home.path });
    expect(result.exitCode).toBe(0);
    const commands = [...String(result.stdout).matchAll(/^ {2}([a-z_]+)\b/gm)].map((match) => match[1]);
    expect(commands).toEqual(["validate", "run", "status", "shutdown", "logs", "gpus", "doctor", "deploy", "build", "replica", "help"]);
    expect(result.stdout).not.toContain("_controller");
  });

  it("should exit 2 with a one-line hint on an unknown command or flag, never a stack trace", async () => {
    for (const args of [["bogus"], ["--bogus"], ["status", "--bogus"]]) {
      const result = await runCli(args, { home: home.path });
      expect(result.exitCode, args.join(" ")).toBe(2);
      expect(String(result.stderr)).not.toMatch(/\n\s+at /);
    }
  });
});
