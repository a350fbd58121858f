import { describe, expect, it } from "vitest";
import { parseNvidiaSmiCsv } from "../../../src/gpu/parseNvidiaSmiCsv.js";
import { A100_40G_X8, A100_80G_PCIE_CRLF, DRIVER_FAILURE, H200_X1, MIXED, NO_DEVICES, WITH_WARNING } from "./nvidiaSmiSamples.js";

const MIB = 1024 * 1024;

describe("parseNvidiaSmiCsv", () => {
  it("should parse one H200 with memory in bytes", () => {
    expect(parseNvidiaSmiCsv(H200_X1)).toEqual([
      {
        index: 0,
        uuid: "GPU-5c0e8f3a-9c2d-4b7e-a1f3-2d4e6f8a0b1c",
        name: "NVIDIA H200",
        memoryTotalBytes: 143771 * MIB,
        memoryFreeBytes: 143160 * MIB,
      },
    ]);
  });

  it("should parse eight A100-SXM4-40GB in index order", () => {
    const gpus = parseNvidiaSmiCsv(A100_40G_X8);
    expect(gpus.map((gpu) => gpu.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(new Set(gpus.map((gpu) => gpu.name))).toEqual(new Set(["NVIDIA A100-SXM4-40GB"]));
    expect(gpus[7]?.uuid).toBe("GPU-0a1b2c3d-0000-4000-8000-000000000007");
  });

  it("should parse a mixed machine keeping names with spaces", () => {
    expect(parseNvidiaSmiCsv(MIXED).map((gpu) => [gpu.index, gpu.name, gpu.memoryFreeBytes / MIB])).toEqual([
      [0, "NVIDIA H100 80GB HBM3", 81080],
      [1, "NVIDIA L4", 3034],
      [2, "NVIDIA GeForce RTX 4090", 23989],
    ]);
  });

  it("should accept CRLF and treat an unreadable free memory as 0", () => {
    const gpus = parseNvidiaSmiCsv(A100_80G_PCIE_CRLF);
    expect(gpus).toHaveLength(2);
    expect(gpus[0]?.name).toBe("NVIDIA A100 80GB PCIe");
    expect(gpus[1]?.memoryFreeBytes).toBe(0);
    expect(gpus[1]?.memoryTotalBytes).toBe(81920 * MIB);
  });

  it("should skip warning lines", () => {
    expect(parseNvidiaSmiCsv(WITH_WARNING).map((gpu) => gpu.name)).toEqual(["Tesla T4"]);
  });

  it("should return no GPU for 'No devices were found', a driver failure, or nothing", () => {
    expect(parseNvidiaSmiCsv(NO_DEVICES)).toEqual([]);
    expect(parseNvidiaSmiCsv(DRIVER_FAILURE)).toEqual([]);
    expect(parseNvidiaSmiCsv("")).toEqual([]);
  });

  it("should sort rows by index and accept a missing uuid and a MiB suffix", () => {
    const gpus = parseNvidiaSmiCsv("1, [N/A], NVIDIA L4, 23034 MiB, 22000 MiB\n0, GPU-x, NVIDIA L4, 23034, 23000\n");
    expect(gpus.map((gpu) => [gpu.index, gpu.uuid, gpu.memoryFreeBytes / MIB])).toEqual([
      [0, "GPU-x", 23000],
      [1, "", 22000],
    ]);
  });

  it("should drop a row whose index or total memory is not a number", () => {
    expect(parseNvidiaSmiCsv("index, uuid, name, memory.total [MiB], memory.free [MiB]\n")).toEqual([]);
    expect(parseNvidiaSmiCsv("0, GPU-x, NVIDIA L4, [N/A], 100\n")).toEqual([]);
  });
});
