import type { Template } from "@huggingface/jinja";
import type { EmbeddingsService } from "./embeddings/createEmbeddingsService.js";
import type { Engine } from "./engine/Engine.js";
import type { ReplicaSettings } from "./ReplicaSettings.js";

/** Where the replica is in its life; `/health` reports it. */
export type ReplicaPhase =
  | { readonly phase: "starting" }
  | { readonly phase: "building"; readonly what: string }
  | { readonly phase: "downloading"; readonly downloadedBytes: number; readonly totalBytes: number | undefined }
  | { readonly phase: "loading"; readonly fraction: number }
  | { readonly phase: "ready" }
  | { readonly phase: "failed"; readonly reason: string }
  | { readonly phase: "stopping" };

/**
 * The state the HTTP routes read. Owned and mutated only by `runReplica`; routes never change it.
 */
export interface ReplicaRuntime {
  readonly settings: ReplicaSettings;
  /** Unix seconds when the replica started (the `created` of `/v1/models`). */
  readonly startedAt: number;
  phase: ReplicaPhase;
  engine: Engine | undefined;
  chatTemplate: Template | undefined;
  /** Set when the model is served for embeddings (`ReplicaSettings.embeddings`), once loaded. */
  embeddings?: EmbeddingsService | undefined;
}
