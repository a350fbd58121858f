import { describe, expect, it } from "vitest";
import { chooseWeightsLoading, type WeightsLoadingFacts } from "../../../../src/replica/engine/weights/chooseWeightsLoading.js";
import { weightsPlacement } from "../../../../src/replica/engine/weights/planWeightsLoading.js";
import { hugePagesRequested, tunablesWithHugePages } from "../../../../src/replica/engine/weights/hugePageTunables.js";

const MIB = 2 ** 20;
const cpu: WeightsLoadingFacts = { backend: "cpu", transparentHugePages: "madvise", mallocHugePages: true, modelBytes: 500 * MIB, availableBytes: 16_000 * MIB };

describe("chooseWeightsLoading", () => {
  it("should copy CPU weights where malloc gets huge pages and memory allows", () => {
    expect(chooseWeightsLoading(cpu)).toEqual({ useMmap: false, why: "CPU weights in transparent huge pages" });
    expect(chooseWeightsLoading({ ...cpu, transparentHugePages: "always", mallocHugePages: false }).useMmap).toBe(false);
  });

  it("should map the file off the CPU, without huge pages, or when the copy would take over half the free memory", () => {
    expect(chooseWeightsLoading({ ...cpu, backend: "cuda" })).toEqual({ useMmap: true, why: "the weights are offloaded to the GPU" });
    expect(chooseWeightsLoading({ ...cpu, transparentHugePages: "never" }).why).toBe("transparent huge pages are off on this machine");
    expect(chooseWeightsLoading({ ...cpu, transparentHugePages: undefined }).useMmap).toBe(true);
    expect(chooseWeightsLoading({ ...cpu, mallocHugePages: false }).why).toMatch(/started without GLIBC_TUNABLES=glibc.malloc.hugetlb=1/);
    expect(chooseWeightsLoading({ ...cpu, availableBytes: 999 * MIB }).why).toBe("the model (500 MiB) is over half of the memory available (999 MiB)");
    expect(chooseWeightsLoading({ ...cpu, availableBytes: 1000 * MIB }).useMmap).toBe(false);
    expect(chooseWeightsLoading({ ...cpu, modelBytes: 31 * MIB })).toEqual({ useMmap: true, why: "the model is under 32 MiB, too small for huge pages to pay" });
    expect(chooseWeightsLoading({ ...cpu, modelBytes: 32 * MIB }).useMmap).toBe(false);
  });
});

describe("weightsPlacement", () => {
  it("should call a copy huge-paged only when most of its tensor data is", () => {
    expect(weightsPlacement(true, 600 * MIB, 500 * MIB)).toBe("mapped");
    expect(weightsPlacement(false, 34 * MIB, 38 * MIB)).toBe("huge-pages");
    expect(weightsPlacement(false, 400 * MIB, 500 * MIB)).toBe("copied");
    // a model under a few MiB never fills a 2 MiB page: nothing gained is not "in huge pages"
    expect(weightsPlacement(false, 0, 0.7 * MIB)).toBe("copied");
  });
});

describe("GLIBC_TUNABLES for replicas", () => {
  it("should add glibc.malloc.hugetlb=1 and keep what is there, the user's own hugetlb included", () => {
    expect(tunablesWithHugePages(undefined)).toBe("glibc.malloc.hugetlb=1");
    expect(tunablesWithHugePages(" ")).toBe("glibc.malloc.hugetlb=1");
    expect(tunablesWithHugePages("glibc.malloc.arena_max=2")).toBe("glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1");
    expect(tunablesWithHugePages("glibc.malloc.hugetlb=0:glibc.malloc.arena_max=2")).toBe("glibc.malloc.hugetlb=0:glibc.malloc.arena_max=2");
  });

  it("should read whether huge pages are asked for", () => {
    expect(hugePagesRequested(tunablesWithHugePages(undefined))).toBe(true);
    expect(hugePagesRequested("glibc.malloc.hugetlb=2")).toBe(true);
    expect(hugePagesRequested("glibc.malloc.hugetlb=0")).toBe(false);
    expect(hugePagesRequested("glibc.malloc.arena_max=2")).toBe(false);
    expect(hugePagesRequested(undefined)).toBe(false);
  });
});
