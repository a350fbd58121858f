import { REPLICA_SPEC_VERSION, type ReplicaSpec } from "../../src/protocol/ReplicaSpec.js";

/** A valid replica spec for tests that need a DeploymentSpec but start no replica from it. */
export function sampleReplicaSpec(overrides: Partial<ReplicaSpec> = {}): ReplicaSpec {
  return {
    specVersion: REPLICA_SPEC_VERSION,
    appName: "app",
    modelId: "m",
    modelSource: "/models/m.gguf",
    modelsDir: "/tmp/llmserve/models",
    hfEndpoint: "https://huggingface.co/",
    gpu: false,
    allowCpuFallback: true,
    threads: 1,
    sequences: 1,
    maxQueuedRequests: 256,
    reasoningField: "both",
    defaultChatTemplateKwargs: {},
    enableAutoToolChoice: false,
    embeddings: false,
    gracefulShutdownTimeoutS: 1,
    ...overrides,
  };
}
