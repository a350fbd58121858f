import type { Llama, LlamaModel, LlamaModelOptions } from "node-llama-cpp";
import { planWeightsLoading, type WeightsPlan } from "./planWeightsLoading.js";
import { withWeightsLoadTurn } from "./withWeightsLoadTurn.js";

/** What `llama.loadModel` gets besides the path, the layers and the mmap choice this module makes. */
export type ModelWeightsOptions = Omit<LlamaModelOptions, "modelPath" | "gpuLayers" | "useMmap">;

/**
 * Loads a model's weights the way every replica does: on the CPU, in turn with the other CPU loads
 * (`withWeightsLoadTurn`) and copied into huge pages or mapped as `planWeightsLoading` chooses; on a GPU, offloaded
 * with the file mapped. `plan.observe()` tells afterwards where they ended up.
 */
export function loadModelWeights(llama: Llama, modelPath: string, options: ModelWeightsOptions = {}): Promise<{ plan: WeightsPlan; model: LlamaModel }> {
  const backend = llama.gpu === false ? "cpu" : llama.gpu;
  return withWeightsLoadTurn(backend, options.loadSignal, async () => {
    const plan = await planWeightsLoading(backend, modelPath);
    const model = await llama.loadModel({ ...options, modelPath, gpuLayers: backend === "cpu" ? 0 : "auto", useMmap: plan.useMmap });
    return { plan, model };
  });
}
