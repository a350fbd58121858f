import type { Token } from "node-llama-cpp";
import { describe, expect, it } from "vitest";
import { createGenerationRun } from "../../../../src/replica/engine/generationLoop/createGenerationRun.js";

function controls() {
  const calls: string[] = [];
  return { calls, controls: { ack: () => calls.push("ack"), hold: (held: boolean) => calls.push(held ? "hold" : "resume"), stop: () => calls.push("stop") } };
}

describe("createGenerationRun", () => {
  it("should pause the loop's sequence at 32 unread tokens and resume it once the reader is down to 8", async () => {
    const { calls, controls: c } = controls();
    const run = createGenerationRun(c, false);
    for (let token = 0; token < 40; token++) run.onToken(token as Token);
    expect(calls).toEqual(["hold"]);
    for (let read = 0; read < 31; read++) expect(await run.next()).toBe(read);
    expect(calls).toEqual(["hold"]);
    expect(await run.next()).toBe(31);
    expect(calls).toEqual(["hold", "resume"]);
  });

  it("should never pause a lockstep run (it waits for each ack anyway)", () => {
    const { calls, controls: c } = controls();
    const run = createGenerationRun(c, true);
    for (let token = 0; token < 40; token++) run.onToken(token as Token);
    expect(calls).toEqual([]);
  });

  it("should hand out every buffered token before the end, then undefined, and end with all sampled tokens", async () => {
    const { calls, controls: c } = controls();
    const run = createGenerationRun(c, false);
    const pending = run.next();
    run.onToken(7 as Token);
    run.onToken(8 as Token);
    run.onDone(5);
    expect(await pending).toBe(7);
    expect(await run.next()).toBe(8);
    expect(await run.next()).toBeUndefined();
    expect(await run.end()).toEqual({ sampled: [7, 8], cachedTokens: 5 });
    expect(calls).toEqual([]);
  });

  it("should stop a running generation once on end() and resolve when the loop reports it done", async () => {
    const { calls, controls: c } = controls();
    const run = createGenerationRun(c, false);
    run.onToken(1 as Token);
    const ended = Promise.all([run.end(), run.end()]);
    expect(calls).toEqual(["stop"]);
    run.onToken(2 as Token);
    run.onDone(3);
    expect(await ended).toEqual([{ sampled: [1, 2], cachedTokens: 3 }, { sampled: [1, 2], cachedTokens: 3 }]);
  });

  it("should reject the reader with the loop's message when the generation failed", async () => {
    const run = createGenerationRun(controls().controls, false);
    const pending = run.next();
    run.onFailed("llama_decode failed with status 1 (no free KV cache slot)");
    await expect(pending).rejects.toThrow("generation failed: llama_decode failed with status 1");
    expect(await run.end()).toEqual({ sampled: [], cachedTokens: 0 });
  });
});
