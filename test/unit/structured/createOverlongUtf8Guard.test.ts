import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LlamaModel, Token } from "node-llama-cpp";
import { createOverlongUtf8Guard } from "../../../src/replica/structured/createOverlongUtf8Guard.js";
import { ensureRandomTinyModel } from "../../models/ensureRandomTinyModel.js";
import { scriptedVocabulary } from "../../models/scriptedVocabulary.js";
import { cpuLlama } from "./grammarTestHelpers.js";

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, index) => from + index);

describe("createOverlongUtf8Guard (byte-level BPE vocabulary)", () => {
  let model: LlamaModel;
  const vocabulary = scriptedVocabulary();
  // the scripted vocabulary starts with the 256 byte tokens, in byte order (GPT-2's byte-to-character table)
  const byteToken = (byte: number): Token => byte as Token;
  beforeAll(async () => {
    model = await (await cpuLlama()).loadModel({ modelPath: ensureRandomTinyModel() });
  });
  afterAll(async () => {
    await model?.dispose();
  });

  it("should ban exactly the continuation bytes that make E0 and F0 sequences overlong", () => {
    expect(model.detokenize([byteToken(0xe0), byteToken(0xa0), byteToken(0x80)])).toBe("\u0800"); // the ids are the bytes
    const guard = createOverlongUtf8Guard(model);
    expect([...guard.bannedAfter(byteToken(0xe0))].sort((a, b) => a - b)).toEqual(range(0x80, 0x9f));
    expect([...guard.bannedAfter(byteToken(0xf0))].sort((a, b) => a - b)).toEqual(range(0x80, 0x8f));
  });

  it("should ban nothing after a complete character, another lead byte, or a special token", () => {
    const guard = createOverlongUtf8Guard(model);
    for (const byte of [0x61, 0xc3, 0xe1, 0xed, 0xf4, 0x9f]) expect([byte, guard.bannedAfter(byteToken(byte))]).toEqual([byte, []]);
    expect(guard.bannedAfter(vocabulary.idOf("<|im_end|>") as Token)).toEqual([]);
    expect(guard.bannedAfter(vocabulary.idOf("user") as Token)).toEqual([]);
  });
});
