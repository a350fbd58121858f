import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readGgufFileInfo } from "node-llama-cpp";
import { afterAll, describe, expect, it } from "vitest";
import { checkGgufModel } from "../../../src/gguf/checkGgufModel.js";
import { estimateReplicaMemory } from "../../../src/gpu/estimateReplicaMemory.js";
import type { GgufFileSpec } from "../../gguf/GgufFileSpec.js";
import { ggufSplitPartName, splitGgufSpec } from "../../gguf/splitGgufSpec.js";
import { writeGguf } from "../../gguf/writeGguf.js";
import { createTempHome } from "../../helpers/cli.js";
import { ensureRandomTinyModel, randomTinyModel } from "../../models/ensureRandomTinyModel.js";
import { greedyTokens, loadTestModel } from "./loadTestModel.js";

const PROMPT = "<|im_start|>user\nTell me a story<|im_end|>\n<|im_start|>assistant\n";

describe("split GGUF models (llama.cpp's gguf-split format)", () => {
  const home = createTempHome("llmserve-split-gguf-");
  afterAll(() => home.remove());
  let caseIndex = 0;
  /** Writes the random tiny model as `parts` files in a fresh folder; returns their paths in order. */
  function writeSplit(parts: number, metadataOnlyFirstPart = false, edit = (specs: GgufFileSpec[]) => specs): string[] {
    const dir = join(home.path, `case-${caseIndex++}`);
    mkdirSync(dir);
    return edit(splitGgufSpec(randomTinyModel(), { parts, metadataOnlyFirstPart })).map((part, index) => {
      const path = join(dir, ggufSplitPartName("tiny-F32", index, parts));
      writeGguf(path, part);
      return path;
    });
  }

  it("should write parts that each hold the split keys, the metadata only in the first, every tensor once", async () => {
    const paths = writeSplit(3);
    expect(paths.map((path) => path.slice(path.lastIndexOf("/") + 1))).toEqual([
      "tiny-F32-00001-of-00003.gguf",
      "tiny-F32-00002-of-00003.gguf",
      "tiny-F32-00003-of-00003.gguf",
    ]);
    const infos = await Promise.all(paths.map((path) => readGgufFileInfo(path, { spliceSplitFiles: false, logWarnings: false })));
    const whole = randomTinyModel();
    infos.forEach((info, index) => {
      const raw = info.metadata as unknown as { split: Record<string, number> };
      expect(raw.split).toEqual({ no: index, count: 3, tensors: { count: whole.tensors.length } });
      expect(info.tensorCount).toBeGreaterThan(0);
    });
    expect(infos[0]!.metadata.general.architecture).toBe("llama");
    expect(infos[1]!.metadata.general).toBeUndefined();
    expect(infos.flatMap((info) => info.tensorInfo!.map((tensor) => tensor.name))).toEqual(whole.tensors.map((tensor) => tensor.name));
    // the tensor bytes are cut in about equal thirds (the random tiny model's largest tensors are its two vocabulary matrices)
    const sizes = paths.map((path) => statSync(path).size);
    expect(Math.max(...sizes) / Math.min(...sizes)).toBeLessThan(2);
  });

  it("should be loaded by llama.cpp from the first part and generate exactly what the unsplit model generates", async () => {
    const unsplit = await loadTestModel(ensureRandomTinyModel());
    const expected = await greedyTokens(unsplit, PROMPT, 24);
    await unsplit.dispose();
    for (const paths of [writeSplit(3), writeSplit(4, true)]) {
      const model = await loadTestModel(paths[0]!);
      try {
        expect((await greedyTokens(model, PROMPT, 24)).ids).toEqual(expected.ids);
      } finally {
        await model.dispose();
      }
    }
    expect(expected.ids.length).toBe(24);
  });

  it("should check every part and count the bytes of all of them", async () => {
    const paths = writeSplit(3);
    const summary = await checkGgufModel(paths[0]!);
    expect(summary.parts.map((part) => part.path)).toEqual(paths);
    expect(summary.totalBytes).toBe(paths.reduce((sum, path) => sum + statSync(path).size, 0));
    expect(summary.tensorCount).toBe(randomTinyModel().tensors.length);
    const single = ensureRandomTinyModel();
    expect(await checkGgufModel(single)).toMatchObject({ parts: [{ path: single }], totalBytes: statSync(single).size });
  });

  it("should say which part is missing, truncated or out of place, and that a later part is not where loading starts", async () => {
    const problem = (path: string) => checkGgufModel(path).then(() => "", (error: Error) => error.message);

    const missing = writeSplit(3);
    renameSync(missing[1]!, `${missing[1]!}.away`);
    expect(await problem(missing[0]!)).toBe(`${missing[0]!} is not a valid GGUF: part 2 of 3 is missing: ${missing[1]!}`);

    const truncated = writeSplit(3);
    const last = readFileSync(truncated[2]!);
    writeFileSync(truncated[2]!, last.subarray(0, last.length - 100));
    expect(await problem(truncated[0]!)).toMatch(
      new RegExp(`^${truncated[2]!.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} is not a valid GGUF: truncated at byte ${last.length - 100} of ${last.length}`),
    );

    const swapped = writeSplit(3);
    const second = readFileSync(swapped[1]!);
    writeFileSync(swapped[1]!, readFileSync(swapped[2]!));
    writeFileSync(swapped[2]!, second);
    expect(await problem(swapped[0]!)).toBe(`${swapped[1]!} is not a valid GGUF: as part 2 of 3 it should have "split.no" 1, found "split.no" 2`);

    const later = writeSplit(3);
    expect(await problem(later[1]!)).toBe(`${later[1]!} is not a valid GGUF: it is part 2 of 3 of a split model: load the first part (tiny-F32-00001-of-00003.gguf)`);

    const renamed = writeSplit(3);
    const plain = join(renamed[0]!, "..", "tiny.gguf");
    renameSync(renamed[0]!, plain);
    expect(await problem(plain)).toMatch(/it is the first of 3 split parts, but its name does not end in -00001-of-00003\.gguf/);

    const short = writeSplit(3, false, (specs) => specs.map((spec, index) => (index === 2 ? { ...spec, tensors: spec.tensors.slice(0, -1) } : spec)));
    expect(await problem(short[0]!)).toBe(`${short[0]!} is not a valid GGUF: "split.tensors.count" is 21, but its 3 parts hold 20 tensors`);
  });

  it("should estimate a split model's memory over all its parts, the same as the unsplit model's", async () => {
    const whole = await estimateReplicaMemory(ensureRandomTinyModel(), { contextSize: 512 });
    const split = await estimateReplicaMemory(writeSplit(3)[0]!, { contextSize: 512 });
    expect(split).toEqual(whole);
    expect(split.weightsBytes).toBeGreaterThanOrEqual(randomTinyModel().tensors.reduce((sum, tensor) => sum + tensor.shape.reduce((a, b) => a * b, 4), 0));
  });
});
