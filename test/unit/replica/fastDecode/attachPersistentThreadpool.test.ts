import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { getLlama, type Llama, type LlamaContext, type LlamaModel } from "node-llama-cpp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { attachPersistentThreadpool, type DecodeThreadpool } from "../../../../src/replica/engine/fastDecode/attachPersistentThreadpool.js";
import { loadFastDecodeAddon } from "../../../../src/replica/engine/fastDecode/loadFastDecodeAddon.js";
import { LLAMA_CPP_BUILD_OPTIONS } from "../../../../src/replica/engine/llamaCppBuildOptions.js";
import { threadIds } from "../../../helpers/procStats.js";
import { ensureLoopModel } from "../../../models/ensureLoopModel.js";
import { LOOP_ALPHABET } from "../../../models/loopScript.js";

const root = fileURLToPath(new URL("../../../../", import.meta.url));
const hasCompiler = process.platform === "linux" && commandWorks(process.env["CXX"] || "c++", ["--version"]);

function commandWorks(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

function contextSwitches(tid: string): number {
  const status = readFileSync(`/proc/self/task/${tid}/status`, "utf8");
  const count = (name: string): number => Number(new RegExp(`^${name}:\\s*(\\d+)`, "m").exec(status)?.[1] ?? 0);
  return count("voluntary_ctxt_switches") + count("nonvoluntary_ctxt_switches");
}

async function loopText(context: LlamaContext, model: LlamaModel, tokens: number): Promise<string> {
  const sequence = context.getSequence();
  let text = "";
  let count = 0;
  for await (const token of sequence.evaluate(model.tokenize("z"), { temperature: 0 })) {
    text += model.detokenize([token]);
    if (++count >= tokens) break;
  }
  sequence.dispose();
  return text;
}

function expectedLoop(tokens: number): string {
  return Array.from({ length: tokens }, (_, index) => LOOP_ALPHABET[index % LOOP_ALPHABET.length]).join("");
}

describe("attachPersistentThreadpool", () => {
  let llama: Llama;
  let model: LlamaModel;

  beforeAll(async () => {
    // What `npm install` runs (postinstall); a no-op when the addon is already built for this node-llama-cpp.
    execFileSync(process.execPath, ["scripts/buildFastDecode.mjs", "--quiet"], { cwd: root });
    // The llama.cpp build the replica uses (a local build for this CPU when `npm run build:llama` made one).
    llama = await getLlama({ gpu: false, build: "never", cmakeOptions: { ...LLAMA_CPP_BUILD_OPTIONS }, maxThreads: 2, logLevel: "error" as never });
    model = await llama.loadModel({ modelPath: ensureLoopModel() });
  });

  afterAll(async () => {
    await llama?.dispose();
  });

  it.skipIf(!hasCompiler)("should attach one persistent pool that decodes every token, with unchanged output", async () => {
    expect(loadFastDecodeAddon()).toMatchObject({ ok: true });
    const context = await model.createContext({ contextSize: 256, sequences: 2, threads: 2 });
    const before = threadIds();
    const pool = attachPersistentThreadpool(context, model, { threads: 2, sequences: 2, env: {} });
    expect(pool).toMatchObject({ kind: "persistent" });
    // threads 2 = the calling thread + one pool worker, started once.
    const workers = [...threadIds()].filter((tid) => !before.has(tid));
    expect(workers).toHaveLength(1);
    const worker = workers[0]!;
    const switchesBefore = contextSwitches(worker);

    expect(await loopText(context, model, 60)).toBe(expectedLoop(60));

    expect(threadIds().has(worker)).toBe(true);
    expect(contextSwitches(worker)).toBeGreaterThan(switchesBefore);
    await context.dispose();
    pool.release();
    pool.release();
    expect(threadIds().has(worker)).toBe(false);
  });

  it("should keep the stock path, and the same output, when the addon is unavailable", async () => {
    const context = await model.createContext({ contextSize: 256, sequences: 1, threads: 2 });
    const pool = attachPersistentThreadpool(context, model, {
      threads: 2,
      sequences: 1,
      env: {},
      addonLoad: { ok: false, reason: "the fastDecode addon is not built" },
    });
    expect(pool).toEqual({ kind: "stock", reason: "the fastDecode addon is not built", release: expect.any(Function) });
    expect(await loopText(context, model, 8)).toBe(expectedLoop(8));
    await context.dispose();
    pool.release();
  });

  it("should keep the stock path when LLMSERVE_FAST_DECODE=off or with one thread", async () => {
    const context = await model.createContext({ contextSize: 256, sequences: 1, threads: 1 });
    const off = attachPersistentThreadpool(context, model, { threads: 1, sequences: 1, env: { LLMSERVE_FAST_DECODE: "off" } });
    expect(off).toMatchObject({ kind: "stock", reason: "disabled by LLMSERVE_FAST_DECODE" });
    const single = attachPersistentThreadpool(context, model, { threads: 1, sequences: 1, env: {} });
    expect(single).toMatchObject({ kind: "stock", reason: "one thread needs no threadpool" });
    await context.dispose();
  });

  it.skipIf(!hasCompiler)("should refuse a context that does not match what the caller says", async () => {
    const context = await model.createContext({ contextSize: 256, sequences: 1, threads: 2 });
    const before = threadIds();
    const pool = attachPersistentThreadpool(context, model, { threads: 2, sequences: 3, env: {} });
    expect(pool.kind).toBe("stock");
    expect(pool.reason).toMatch(/refused the context: .*expected layout or state/);
    expect([...threadIds()].filter((tid) => !before.has(tid))).toEqual([]);
    expect(await loopText(context, model, 4)).toBe(expectedLoop(4));
    await context.dispose();
  });
});
