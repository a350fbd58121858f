import { describe, expect, it } from "vitest";
import { pickGgufFiles } from "../../../src/protocol/pickGgufFiles.js";

// The choices llama.cpp makes for `-hf owner/repo:TAG` (common/download.cpp, find_best_model and get_split_files at
// the commit node-llama-cpp 3.22.1 bundles), so that both pick the same file from the same cache.
describe("pickGgufFiles", () => {
  const repo = [
    "README.md",
    "mmproj-Model-F16.gguf",
    "Model-Q8_0.gguf",
    "Model-IQ4_XS.gguf",
    "Q4_K_M/Model-Q4_K_M-00003-of-00003.gguf",
    "Q4_K_M/Model-Q4_K_M-00001-of-00003.gguf",
    "Q4_K_M/Model-Q4_K_M-00002-of-00003.gguf",
    "Model-Q4_K_M.imatrix.gguf",
  ];

  it("should take every part of a split model, in order, for its tag in any case", () => {
    expect(pickGgufFiles(repo, "q4_k_m")).toEqual([
      "Q4_K_M/Model-Q4_K_M-00001-of-00003.gguf",
      "Q4_K_M/Model-Q4_K_M-00002-of-00003.gguf",
      "Q4_K_M/Model-Q4_K_M-00003-of-00003.gguf",
    ]);
  });

  it("should take a single file, never an mmproj or imatrix file, and nothing for an unknown tag", () => {
    expect(pickGgufFiles(repo, "Q8_0")).toEqual(["Model-Q8_0.gguf"]);
    expect(pickGgufFiles(repo, "F16")).toEqual([]);
    expect(pickGgufFiles(repo, "Q2_K")).toEqual([]);
  });

  it("should default to Q4_K_M, then Q8_0, then the first model when no tag is given", () => {
    expect(pickGgufFiles(repo, "latest")[0]).toBe("Q4_K_M/Model-Q4_K_M-00001-of-00003.gguf");
    expect(pickGgufFiles(["a-Q8_0.gguf", "b-F16.gguf"], "latest")).toEqual(["a-Q8_0.gguf"]);
    expect(pickGgufFiles(["b-F16.gguf"], "latest")).toEqual(["b-F16.gguf"]);
  });
});
