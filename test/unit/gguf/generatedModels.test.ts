import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readGgufFileInfo } from "node-llama-cpp";
import { benchmarkModelSpec, benchmarkParameterCount, BENCHMARK_MODEL_SHAPES } from "../../models/benchmarkModelSpec.js";
import { ensureCachedLargeGguf } from "../../models/ensureCachedGguf.js";
import { ensureLoopModel } from "../../models/ensureLoopModel.js";
import { ensureScriptedReasoningModel } from "../../models/ensureScriptedReasoningModel.js";
import { LOOP_ALPHABET } from "../../models/loopScript.js";
import { qwen3ChatTemplate } from "../../models/qwen3ChatTemplate.js";
import { greedyTokens, loadTestModel } from "./loadTestModel.js";

const cacheDir = mkdtempSync(join(tmpdir(), "llmserve-model-cache-"));
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

describe("generated test models", () => {
  it("should write the scripted model once, by content hash, without leftovers", async () => {
    const path = ensureScriptedReasoningModel({ cacheDir });
    const written = statSync(path).mtimeMs;
    expect(ensureScriptedReasoningModel({ cacheDir })).toBe(path);
    expect(statSync(path).mtimeMs).toBe(written);
    expect(ensureScriptedReasoningModel({ cacheDir, architecture: "llama" })).not.toBe(path);
    expect(readdirSync(cacheDir).filter((name) => !name.endsWith(".gguf"))).toEqual([]);

    const info = await readGgufFileInfo(path, { readTensorInfo: true, logWarnings: false });
    expect(info.metadata.general.architecture).toBe("qwen3");
    expect(info.metadata.tokenizer.ggml.model).toBe("gpt2");
    expect(info.metadata.tokenizer.chat_template).toBe(qwen3ChatTemplate);
    const tokens = info.metadata.tokenizer.ggml.tokens;
    expect(tokens.slice(0, 3)).toEqual(["Ā", "ā", "Ă"]);
    expect(tokens[info.metadata.tokenizer.ggml.eos_token_id!]).toBe("<|im_end|>");
    expect(info.tensorInfo?.map((t) => t.name)).toContain("blk.0.attn_k_norm.weight");
  });

  it("should make a loop model that never stops by itself", async () => {
    const model = await loadTestModel(ensureLoopModel({ cacheDir }));
    try {
      const { texts } = await greedyTokens(model, "<|im_start|>user\nGo<|im_end|>\n<|im_start|>assistant\n", 100);
      expect(texts).toHaveLength(100);
      expect(texts.join("")).toBe(LOOP_ALPHABET.join("").repeat(4).slice(0, 100));
    } finally {
      await model.dispose();
    }
  });

  it("should stream a random-weight model of a given shape that llama.cpp runs", async () => {
    const shape = { embeddingLength: 64, blockCount: 2, feedForwardLength: 96, headCount: 4, headCountKv: 2, vocabularySize: 1000, contextLength: 512 };
    const path = ensureCachedLargeGguf("tiny-benchmark", { shape }, () => benchmarkModelSpec(shape, 7), { cacheDir });
    const info = await readGgufFileInfo(path, { readTensorInfo: true, logWarnings: false });
    expect(info.metadata.tokenizer.ggml.tokens).toHaveLength(1000);
    expect(info.tensorInfo).toHaveLength(2 + 1 + 2 * 9);
    const model = await loadTestModel(path);
    try {
      const { texts } = await greedyTokens(model, "<|im_start|>user\nhello<|im_end|>\n<|im_start|>assistant\n", 8);
      expect(texts.length).toBeGreaterThan(0);
    } finally {
      await model.dispose();
    }
    expect(benchmarkParameterCount(BENCHMARK_MODEL_SHAPES["254m"])).toBe(254_313_472);
  });
});
