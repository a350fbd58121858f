import { describe, expect, it } from "vitest";
import { findAcceleratorType, isKnownAcceleratorType, knownAcceleratorTypes } from "../../../src/gpu/knownAcceleratorTypes.js";
import { matchesAcceleratorType } from "../../../src/gpu/matchesAcceleratorType.js";

const GIB = 1024 ** 3;

// [accelerator_type as users write it, nvidia-smi name, expected]
const TABLE: [string, string, boolean][] = [
  ["A100-40G", "NVIDIA A100-SXM4-40GB", true],
  ["A100-40G", "NVIDIA A100-PCIE-40GB", true],
  ["A100-40G", "NVIDIA A100-SXM4-80GB", false],
  ["A100-40G", "NVIDIA A100 80GB PCIe", false],
  ["A100-80G", "NVIDIA A100-SXM4-80GB", true],
  ["A100-80G", "NVIDIA A100 80GB PCIe", true],
  ["A100-80G", "NVIDIA A100-SXM4-40GB", false],
  ["A100", "NVIDIA A100-SXM4-40GB", true],
  ["A100", "NVIDIA A100 80GB PCIe", true],
  ["A100", "NVIDIA A10G", false],
  ["a100-40g", "NVIDIA A100-SXM4-40GB", true],
  ["A100-40GB", "NVIDIA A100-SXM4-40GB", true],
  ["H100", "NVIDIA H100 80GB HBM3", true],
  ["H100", "NVIDIA H100 PCIe", true],
  ["H100", "NVIDIA H100 NVL", true],
  ["H100", "NVIDIA H200", false],
  ["H200", "NVIDIA H200", true],
  ["H200", "NVIDIA H100 80GB HBM3", false],
  ["H200", "NVIDIA GH200 480GB", false],
  ["GH200", "NVIDIA GH200 480GB", true],
  ["H20", "NVIDIA H20", true],
  ["H20", "NVIDIA H200", false],
  ["B200", "NVIDIA B200", true],
  ["L4", "NVIDIA L4", true],
  ["L4", "NVIDIA L40S", false],
  ["L4", "NVIDIA L40", false],
  ["L40S", "NVIDIA L40S", true],
  ["L40S", "NVIDIA L40", false],
  ["L40", "NVIDIA L40", true],
  ["A10G", "NVIDIA A10G", true],
  ["A10G", "NVIDIA A10", true],
  ["A10", "NVIDIA A10G", true],
  ["A10", "NVIDIA A10", true],
  ["A10G", "NVIDIA A100-SXM4-40GB", false],
  ["A10", "NVIDIA A100-SXM4-40GB", false],
  ["T4", "Tesla T4", true],
  ["T4", "NVIDIA GeForce RTX 4090", false],
  ["V100", "Tesla V100-SXM2-16GB", true],
  ["V100", "Tesla V100-PCIE-32GB", true],
  ["P4", "Tesla P40", false],
  ["P100", "Tesla P100-PCIE-16GB", true],
  ["RTX-4090", "NVIDIA GeForce RTX 4090", true],
  ["RTX 4090", "NVIDIA GeForce RTX 4090", true],
  ["rtx4090", "NVIDIA GeForce RTX 4090", true],
  ["GeForce RTX 4090", "NVIDIA GeForce RTX 4090", true],
  ["RTX-4090", "NVIDIA GeForce RTX 3090", false],
  ["RTX-4090", "NVIDIA GeForce RTX 4090 D", false],
  ["RTX-3090", "NVIDIA GeForce RTX 3090", true],
  ["RTX-3090", "NVIDIA GeForce RTX 3090 Ti", false],
  ["RTX-3090-TI", "NVIDIA GeForce RTX 3090 Ti", true],
  ["RTX-4070", "NVIDIA GeForce RTX 4070 SUPER", false],
  ["RTX-4070-SUPER", "NVIDIA GeForce RTX 4070 SUPER", true],
  ["RTX-5090", "NVIDIA GeForce RTX 5090", true],
  ["RTX-A6000", "NVIDIA RTX A6000", true],
  ["RTX-6000-ADA", "NVIDIA RTX 6000 Ada Generation", true],
  ["RTX-A6000", "NVIDIA RTX 6000 Ada Generation", false],
  ["CPU", "NVIDIA H200", false],
  ["TPU-V4", "NVIDIA H200", false],
  ["AMD-Instinct-MI300X-OAM", "NVIDIA H200", false],
  ["not-a-gpu", "NVIDIA H200", false],
];

describe("matchesAcceleratorType", () => {
  it.each(TABLE)("should match %s against %s: %s", (type, name, expected) => {
    expect(matchesAcceleratorType(type, name)).toBe(expected);
  });

  it("should decide A100-40G vs A100-80G from the memory when the name has no size", () => {
    expect(matchesAcceleratorType("A100-40G", "NVIDIA A100", 40_536 * 1024 * 1024)).toBe(true);
    expect(matchesAcceleratorType("A100-80G", "NVIDIA A100", 40_536 * 1024 * 1024)).toBe(false);
    expect(matchesAcceleratorType("A100-80G", "NVIDIA A100", 80 * GIB)).toBe(true);
    expect(matchesAcceleratorType("A100-80G", "NVIDIA A100")).toBe(false);
  });
});

describe("knownAcceleratorTypes", () => {
  it("should include Ray's NVIDIA names, consumer cards and CPU", () => {
    for (const type of ["A100-40G", "A100-80G", "A100", "H100", "H200", "L4", "L40S", "A10G", "T4", "V100", "RTX-4090", "CPU"]) {
      expect(knownAcceleratorTypes).toContain(type);
    }
  });

  it("should resolve user spellings to the canonical name and kind", () => {
    expect(findAcceleratorType("a100 40gb")).toEqual({ name: "A100-40G", kind: "nvidia", knownToRay: true });
    expect(findAcceleratorType("RTX 4090")).toEqual({ name: "RTX-4090", kind: "nvidia", knownToRay: false });
    expect(findAcceleratorType("cpu")).toEqual({ name: "CPU", kind: "cpu", knownToRay: false });
    expect(findAcceleratorType("TPU-V4")).toEqual({ name: "TPU-V4", kind: "ray-only", knownToRay: true });
    expect(isKnownAcceleratorType("A100-41G")).toBe(false);
    expect(isKnownAcceleratorType("")).toBe(false);
  });

  it("should have no two names that resolve to the same key", () => {
    const canonical = knownAcceleratorTypes.map((type) => findAcceleratorType(type)?.name);
    expect(canonical).toEqual([...knownAcceleratorTypes]);
  });
});
