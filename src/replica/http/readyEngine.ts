import type { Engine } from "../engine/Engine.js";
import type { ReplicaRuntime } from "../ReplicaRuntime.js";
import { modelNotFoundMessage } from "../../protocol/httpContract.js";
import { OpenAIHttpError } from "./OpenAIHttpError.js";

/** The engine when the replica is ready; otherwise a 503 that says what it is doing. */
export function readyEngine(runtime: ReplicaRuntime): Engine {
  const { phase } = runtime;
  if (phase.phase === "ready" && runtime.engine !== undefined) return runtime.engine;
  const reason =
    phase.phase === "failed"
      ? `the model failed to load: ${phase.reason}`
      : phase.phase === "stopping"
        ? "the replica is shutting down"
        : `the model is not ready yet (${phase.phase})`;
  return unavailable(reason, phase.phase === "stopping" ? "shutting_down" : "model_not_ready");
}

function unavailable(message: string, code: string): never {
  throw new OpenAIHttpError(503, message, { code, headers: { "retry-after": "1" } });
}

/** 404 unless `model` names this replica's model, in OpenAI's words. */
export function assertModel(runtime: ReplicaRuntime, model: string): void {
  if (model !== runtime.settings.modelId) {
    throw new OpenAIHttpError(404, modelNotFoundMessage(model, [runtime.settings.modelId]), {
      param: "model",
      code: "model_not_found",
    });
  }
}
