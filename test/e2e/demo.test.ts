import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SCRIPTED_ANSWER, SCRIPTED_REASONING } from "../models/scriptedReasoningScript.js";
import { createTempHome, REPO_ROOT } from "../helpers/cli.js";
import { killProcessesOfHome, processesOfHome } from "../helpers/controllerHarness.js";
import { freePort, portIsFree } from "../helpers/freePort.js";

// The README's main-job command is `npm install && npm run demo`; this runs the same script on the demo example,
// moved to a free port so that it never collides with a server of the developer's.
describe("npm run demo (the offline quickstart)", () => {
  const home = createTempHome();
  let config: string;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    const example = readFileSync(join(REPO_ROOT, "examples", "demo-scripted.yaml"), "utf8");
    const model = join(REPO_ROOT, "examples", "models", "scripted-reasoning.gguf");
    config = join(home.path, "demo.yaml");
    writeFileSync(config, example.replace("port: 8000", `port: ${port}`).replace("./models/scripted-reasoning.gguf", model));
  });

  afterAll(() => {
    killProcessesOfHome(home.path);
    home.remove();
  });

  it("should serve the scripted model, print reasoning and answer apart, show status and shut down cleanly", async () => {
    const result = await execa(process.execPath, [join(REPO_ROOT, "scripts", "demo.mjs"), config], {
      cwd: REPO_ROOT,
      env: { LLMSERVE_HOME: home.path, NO_COLOR: "1" },
      reject: false,
      timeout: 120_000,
    });
    expect(result.exitCode, result.stderr).toBe(0);
    const out = result.stdout;
    expect(out).toContain(`reasoning_content: ${JSON.stringify(`\n${SCRIPTED_REASONING}\n`)}`);
    expect(out).toContain(`content:           ${JSON.stringify(`\n\n${SCRIPTED_ANSWER}`)}`);
    expect(out).toContain("reasoning_content: null");
    expect(out).toContain(`content:           ${JSON.stringify(SCRIPTED_ANSWER)}`);
    expect(out).toMatch(/\[reasoning\] \nOkay, the user said hello/);
    expect(out).toMatch(/status: RUNNING/);
    expect(out).toContain("No process it started is left.");
    expect(processesOfHome(home.path)).toEqual([]);
    expect(await portIsFree(port)).toBe(true);
  });
});
