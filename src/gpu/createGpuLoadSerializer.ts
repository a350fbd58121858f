/** Runs model loads one at a time per GPU (see `createGpuLoadSerializer`). */
export type GpuLoadSerializer = {
  /**
   * Runs `load` once every GPU in `gpuKeys` (UUIDs or indices) is free of other loads, holding all of them until it
   * settles. Loads on disjoint GPUs run concurrently; an empty key list (a CPU replica) runs at once.
   */
  runExclusive<T>(gpuKeys: readonly string[], load: () => Promise<T>): Promise<T>;
  /** GPUs with a load running or waiting, for status and tests. */
  busyGpus(): string[];
};

/**
 * One load at a time per GPU, so that each replica's memory check and "auto" layer fitting see the memory the
 * previous load really took, not a race. Waiters are served in arrival order per GPU; multi-GPU loads take their
 * GPUs as one atomic step, so two loads on overlapping sets cannot deadlock.
 */
export function createGpuLoadSerializer(): GpuLoadSerializer {
  /** The promise each GPU's next load must wait for (the tail of its chain). */
  const tails = new Map<string, Promise<void>>();

  return {
    async runExclusive<T>(gpuKeys: readonly string[], load: () => Promise<T>): Promise<T> {
      const keys = [...new Set(gpuKeys)];
      const previous = keys.map((key) => tails.get(key) ?? Promise.resolve());
      let release!: () => void;
      const done = new Promise<void>((resolve) => {
        release = resolve;
      });
      for (const key of keys) tails.set(key, done);
      try {
        await Promise.all(previous);
        return await load();
      } finally {
        release();
        for (const key of keys) if (tails.get(key) === done) tails.delete(key);
      }
    },
    busyGpus: () => [...tails.keys()].sort(),
  };
}
