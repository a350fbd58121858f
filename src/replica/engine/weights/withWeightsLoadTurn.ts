import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { withLockFile } from "../../../process/withLockFile.js";
import type { WeightsLoadingFacts } from "./chooseWeightsLoading.js";

/**
 * Runs `work` (choosing how to load the weights, then loading them) in turn with the other CPU replicas of this
 * user on this machine, whatever their `LLMSERVE_HOME`: each private copy lowers the memory the next one sees, so
 * replicas started together cannot all decide on a copy that only one of them had room for. GPU replicas do not
 * copy and do not wait.
 */
export function withWeightsLoadTurn<T>(backend: WeightsLoadingFacts["backend"], signal: AbortSignal | undefined, work: () => Promise<T>): Promise<T> {
  if (backend !== "cpu") return work();
  return withLockFile(join(tmpdir(), `llmserve-${userInfo().uid}-weights.lock`), signal, work);
}
