import type { EngineWeights } from "../../../protocol/EnginePath.js";
import { chooseWeightsLoading, type WeightsLoading, type WeightsLoadingFacts } from "./chooseWeightsLoading.js";
import { anonymousHugePageBytes, readWeightsHost } from "./readWeightsHost.js";

export interface WeightsPlan extends WeightsLoading {
  /** After the model and its context are loaded: where the weights ended up, and a line for the log. */
  readonly observe: () => { readonly weights: EngineWeights; readonly summary: string };
}

/** Chooses how to load the weights (`chooseWeightsLoading`) and measures afterwards whether the huge pages came. */
export async function planWeightsLoading(backend: WeightsLoadingFacts["backend"], modelPath: string): Promise<WeightsPlan> {
  const host = await readWeightsHost(modelPath);
  const choice = chooseWeightsLoading({ ...host, backend });
  const hugeBefore = anonymousHugePageBytes();
  return {
    ...choice,
    observe: () => {
      const gained = anonymousHugePageBytes() - hugeBefore;
      const weights = weightsPlacement(choice.useMmap, gained, host.modelBytes);
      return { weights, summary: `weights: ${weights}, ${(gained / 2 ** 20).toFixed(0)} MiB more in huge pages (${choice.why})` };
    },
  };
}

const HUGE_PAGE_BYTES = 2 * 2 ** 20;
/** What a model file holds besides tensor data, and the unaligned ends of a few weight buffers, at most. */
const NOT_IN_HUGE_PAGES_BYTES = 8 * 2 ** 20;

/**
 * A copy counts as in huge pages when at least 90% of its tensor data came in them: the file's header and
 * vocabulary, and each buffer's ends short of a 2 MiB boundary, never do.
 */
export function weightsPlacement(useMmap: boolean, hugePageBytesGained: number, modelBytes: number): EngineWeights {
  if (useMmap) return "mapped";
  const expected = 0.9 * Math.max(0, modelBytes - NOT_IN_HUGE_PAGES_BYTES);
  return hugePageBytesGained >= HUGE_PAGE_BYTES && hugePageBytesGained >= expected ? "huge-pages" : "copied";
}
