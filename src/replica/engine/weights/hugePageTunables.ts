/** glibc's tunable that makes malloc advise the kernel to back its large allocations with transparent huge pages. */
const HUGE_PAGE_TUNABLE = "glibc.malloc.hugetlb";

/**
 * `GLIBC_TUNABLES` for a replica process: `current` plus `glibc.malloc.hugetlb=1` (malloc calls
 * `madvise(MADV_HUGEPAGE)` on the memory it maps), unless `current` already sets that tunable (the user's choice
 * stays). glibc reads tunables only when a process starts, so whoever spawns the replica must set it; the replica
 * then loads CPU weights into malloc'd memory (see `chooseWeightsLoading`). Older glibc ignores unknown tunables.
 */
export function tunablesWithHugePages(current: string | undefined): string {
  if (current === undefined || current.trim() === "") return `${HUGE_PAGE_TUNABLE}=1`;
  if (hugePageTunable(current) !== undefined) return current;
  return `${current}:${HUGE_PAGE_TUNABLE}=1`;
}

/** Whether `GLIBC_TUNABLES` asks malloc for huge pages (`glibc.malloc.hugetlb=1`, or `=2` for hugetlbfs pages). */
export function hugePagesRequested(current: string | undefined): boolean {
  const value = current === undefined ? undefined : hugePageTunable(current);
  return value === "1" || value === "2";
}

function hugePageTunable(tunables: string): string | undefined {
  for (const entry of tunables.split(":")) {
    const [name, value] = entry.split("=");
    if (name?.trim() === HUGE_PAGE_TUNABLE) return value?.trim() ?? "";
  }
  return undefined;
}
