import { mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureScriptedReasoningModel } from "../models/ensureScriptedReasoningModel.js";
import { SCRIPTED_ANSWER, SCRIPTED_REASONING } from "../models/scriptedReasoningScript.js";
import { REPO_ROOT } from "../helpers/cli.js";
import {
  createControllerSandbox,
  llmserve,
  processesOfHome,
  removeControllerSandbox,
  writeServeConfig,
  type ControllerSandbox,
} from "../helpers/controllerHarness.js";

// Code passed to page.evaluate runs in the browser; these name its globals without pulling the DOM lib into the
// whole (Node) program.
declare const document: any;
declare const window: any;
declare const sessionStorage: any;
declare const MutationObserver: any;
type BrowserNode = any;

const CHROMIUM = process.env["LLMSERVE_CHROMIUM"] ?? "/usr/bin/chromium";
/** LLMSERVE_SCREENSHOTS=docs refreshes the screenshots the README shows; otherwise they go to the sandbox. */
const SCREENSHOT_DIR = process.env["LLMSERVE_SCREENSHOTS"] === "docs" ? join(REPO_ROOT, "docs") : undefined;
const API_KEY = "console-test-key";
const SCRIPTED_MODEL = "scripted";

interface ChatSnapshot {
  state: string;
  reasoningShown: boolean;
  reasoning: string;
  answer: string;
}

// The console through a real instance: the real controller and a real replica serving the scripted reasoning
// model, driven in headless Chromium (Debian's package; puppeteer-core downloads no browser).
describe("web console", () => {
  let sandbox: ControllerSandbox;
  let browser: Browser;
  let page: Page;
  let base: string;
  const env = { CONSOLE_TEST_KEY: API_KEY };

  beforeAll(async () => {
    const model = ensureScriptedReasoningModel();
    sandbox = await createControllerSandbox("console");
    base = `http://127.0.0.1:${sandbox.port}`;
    const config = writeServeConfig(join(sandbox.dir, "app.yaml"), sandbox.port, [
      { name: "chat", models: [{ id: SCRIPTED_MODEL, source: model }] },
    ]);
    // The harness writes JSON; add the API key so the page has to ask for it.
    const { readFileSync, writeFileSync } = await import("node:fs");
    const file = JSON.parse(readFileSync(config, "utf8")) as { http_options: Record<string, unknown> };
    file.http_options["api_key_env"] = "CONSOLE_TEST_KEY";
    writeFileSync(config, JSON.stringify(file));
    const run = await llmserve(["run", config, "--non-blocking"], sandbox.home.path, env);
    expect(run.exitCode, String(run.stderr)).toBe(0);
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
    });
    page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 800 });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (sandbox !== undefined) removeControllerSandbox(sandbox);
  });

  it("should ask for the API key once and show the RUNNING replica", async () => {
    await page.goto(`${base}/ui/`);
    await page.waitForSelector("#keyform:not([hidden])", { timeout: 10_000 });
    await page.type("#apikey", API_KEY);
    await page.click("#keyform button");
    await page.waitForSelector('tr[data-lifecycle="ready"]', { timeout: 30_000 });
    const row = await page.$eval('tr[data-lifecycle="ready"]', (tr) => tr.textContent ?? "");
    expect(row).toContain("RUNNING");
    expect(row).toContain("CPU");
    expect(await page.evaluate(() => sessionStorage.getItem("llmserve.apiKey"))).toBe(API_KEY);
    expect(await page.$eval('[data-app-status]', (node) => node.textContent)).toBe("RUNNING");
    await screenshot(page, "console-status.png");
  }, 60_000);

  it("should stream the reasoning into its own block and the answer below it, thinking on", async () => {
    await page.goto(`${base}/ui/#playground`);
    await page.waitForSelector(`#pg-model option[value="${SCRIPTED_MODEL}"]`);
    const snapshots = await chat(page, { thinking: true, prompt: "hello" });
    const streaming = snapshots.filter((s) => s.state === "streaming");
    // While streaming: first the reasoning alone, later the answer under the complete reasoning.
    expect(streaming.some((s) => s.reasoningShown && s.reasoning.length > 0 && s.answer === "")).toBe(true);
    expect(streaming.some((s) => s.answer.length > 0 && s.answer.length < SCRIPTED_ANSWER.length)).toBe(true);
    const final = snapshots.at(-1)!;
    expect(final.state).toBe("done");
    expect(final.reasoning.trim()).toBe(SCRIPTED_REASONING);
    expect(final.answer.trim()).toBe(SCRIPTED_ANSWER);
    const meta = await page.$eval(".msg.assistant:last-child .meta", (node) => node.textContent ?? "");
    expect(meta).toMatch(/first token \d+ ms · total \d+ ms · \d+ prompt \+ 26 completion tokens/);
    const curl = await page.$eval("#pg-curl", (node) => node.textContent ?? "");
    expect(curl).toContain('"enable_thinking": true');
    expect(curl).toContain("Authorization: Bearer $LLMSERVE_API_KEY");
    expect(await page.$eval("#pg-python", (node) => node.textContent ?? "")).toContain("client.chat.completions.create(");
    await page.$eval("#pg-code", (node) => ((node as BrowserNode).open = true));
    await screenshot(page, "console-playground.png");
  }, 60_000);

  it("should show no reasoning block with thinking off", async () => {
    await page.click("#pg-clear");
    const snapshots = await chat(page, { thinking: false, prompt: "hello" });
    expect(snapshots.every((s) => !s.reasoningShown && s.reasoning === "")).toBe(true);
    expect(snapshots.at(-1)!.answer.trim()).toBe(SCRIPTED_ANSWER);
  }, 60_000);

  it("should follow the replica's log and filter access lines", async () => {
    await page.goto(`${base}/ui/#logs`);
    await page.waitForSelector(`#log-source option[value="chat/${SCRIPTED_MODEL}/r1"]`, { timeout: 10_000 });
    await page.select("#log-source", `chat/${SCRIPTED_MODEL}/r1`);
    await page.waitForFunction(() => (document.getElementById("log-lines")?.childElementCount ?? 0) > 0, { timeout: 10_000 });
    await page.select("#log-source", "controller");
    await page.waitForFunction(() => document.getElementById("log-lines")?.textContent?.includes("applied"), { timeout: 10_000 });
  }, 30_000);

  it("should show a killed replica restarting within the refresh interval", async () => {
    await page.goto(`${base}/ui/#status`);
    await page.waitForSelector('tr[data-lifecycle="ready"]', { timeout: 10_000 });
    const pid = Number(await page.$eval('tr[data-lifecycle="ready"]', (tr) => (tr as BrowserNode).dataset["pid"]));
    expect(processesOfHome(sandbox.home.path)).toContain(pid); // ours before we signal it
    const refreshMs = await page.evaluate(async () => {
      const response = await fetch("/ui/api/status", { headers: { authorization: `Bearer ${sessionStorage.getItem("llmserve.apiKey")}` } });
      return ((await response.json()) as { console: { refreshMs: number } }).console.refreshMs;
    });
    expect(refreshMs).toBeLessThanOrEqual(2_000);
    const killedAt = Date.now();
    process.kill(pid, "SIGKILL");
    await page.waitForFunction(
      (oldPid) => [...document.querySelectorAll("tr[data-replica-id]")]
        .some((tr: BrowserNode) => tr.dataset["restarts"] === "1" && (tr.dataset["lifecycle"] !== "ready" || tr.dataset["pid"] !== oldPid)),
      { timeout: 10_000, polling: 50 },
      String(pid),
    );
    const shownAfterMs = Date.now() - killedAt;
    // One refresh interval, plus the time to fetch and render under a loaded CI machine.
    expect(shownAfterMs).toBeLessThan(refreshMs + 1_500);
    await page.waitForSelector('tr[data-lifecycle="ready"][data-restarts="1"]', { timeout: 30_000 });
  }, 60_000);
});

/** Sends one prompt and records the assistant bubble at every DOM change until the stream is done. */
async function chat(page: Page, options: { thinking: boolean; prompt: string }): Promise<ChatSnapshot[]> {
  const checked = await page.$eval("#pg-thinking", (node) => (node as BrowserNode).checked);
  if (checked !== options.thinking) await page.click("#pg-thinking");
  await page.evaluate(() => {
    const record = window as { chatSnapshots: ChatSnapshot[] };
    record.chatSnapshots = [];
    const observer = new MutationObserver(() => {
      const bubble = document.querySelector("#pg-messages .msg.assistant:last-child");
      if (bubble === null) return;
      const reasoning = bubble.querySelector(".reasoning");
      record.chatSnapshots.push({
        state: bubble.dataset["state"] ?? "",
        reasoningShown: !reasoning.hidden,
        reasoning: reasoning.querySelector("div")?.textContent ?? "",
        answer: bubble.querySelector(".answer")?.textContent ?? "",
      });
    });
    observer.observe(document.getElementById("pg-messages"), { subtree: true, childList: true, characterData: true, attributes: true });
  });
  // Slow the network so every SSE chunk arrives on its own: the page must render the stream as it comes.
  const cdp = await page.createCDPSession();
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: 3_000, uploadThroughput: -1 });
  try {
    await page.type("#pg-prompt", options.prompt);
    await page.click("#pg-send");
    await page.waitForSelector('#pg-messages .msg.assistant:last-child[data-state="done"]', { timeout: 45_000 });
  } finally {
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    await cdp.detach();
  }
  return page.evaluate(() => (window as { chatSnapshots: ChatSnapshot[] }).chatSnapshots);
}

async function screenshot(page: Page, name: string): Promise<void> {
  const dir = SCREENSHOT_DIR ?? join(process.env["LLMSERVE_HOME"] ?? "/tmp", "screenshots");
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  await page.screenshot({ path: path as `${string}.png` });
  expect(statSync(path).size).toBeGreaterThan(10_000);
}
