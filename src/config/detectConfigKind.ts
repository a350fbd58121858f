import { configSchema, resolveRef } from "./configSchema.js";
import { MISPLACED_KEY_HINTS } from "./misplacedKeyHints.js";
import { isRecord } from "./walkConfig.js";

/**
 * What a config file holds: a Serve config file (`applications` at the top level), or one standalone LLMConfig
 * (`model_loading_config` at the top level: the files that `llm_configs: [./model_config/x.yaml]` names).
 */
export type ConfigFileKind = "serve" | "llm-config";

export type ConfigKindDecision =
  | { kind: ConfigFileKind }
  | { kind: "ambiguous"; message: string; /** The top-level key to point at, if any. */ key?: string };

const KIND_RULE =
  "a Serve config file has 'applications' at the top level, a standalone LLMConfig file has 'model_loading_config'";

/**
 * Decides from the top-level keys alone. `applications` or `model_loading_config` decides; without either, the
 * other keys of one kind decide (a Serve file missing `applications` is still a Serve file). Keys of both kinds, or
 * none that either kind knows, are ambiguous: the message says what tells them apart.
 */
export function detectConfigKind(root: unknown): ConfigKindDecision {
  if (!isRecord(root)) return { kind: "serve" };
  const keys = Object.keys(root);
  const hasApplications = keys.includes("applications");
  const hasModel = keys.includes("model_loading_config");
  if (hasApplications && hasModel) {
    return {
      kind: "ambiguous",
      key: "model_loading_config",
      message:
        "this file has both 'applications' (a Serve config file) and 'model_loading_config' (a standalone LLMConfig " +
        "file); a file is one or the other: move the model into an application's args.llm_configs",
    };
  }
  if (hasApplications) return { kind: "serve" };
  if (hasModel) return { kind: "llm-config" };
  const serveKeys = keys.filter((key) => serveSideKeys().has(key));
  const llmKeys = keys.filter((key) => llmConfigSideKeys().has(key));
  if (serveKeys.length > 0 && llmKeys.length === 0) return { kind: "serve" };
  if (llmKeys.length > 0 && serveKeys.length === 0) return { kind: "llm-config" };
  if (serveKeys.length > 0) {
    return {
      kind: "ambiguous",
      key: llmKeys[0],
      message:
        `cannot tell what this file is: it mixes Serve config keys (${serveKeys.join(", ")}) and LLMConfig keys ` +
        `(${llmKeys.join(", ")}); ${KIND_RULE}`,
    };
  }
  return {
    kind: "ambiguous",
    key: keys[0],
    message: `cannot tell what this file is: ${KIND_RULE}, and this one has neither (top-level keys: ${keys.join(", ") || "none"})`,
  };
}

let serveSide: Set<string> | undefined;
let llmSide: Set<string> | undefined;

/** The top-level keys of a Serve file, and the application keys people put at the top level by mistake. */
function serveSideKeys(): Set<string> {
  serveSide ??= new Set([
    ...Object.keys(configSchema().properties ?? {}),
    ...Object.keys(MISPLACED_KEY_HINTS["LlmServeConfigFile"] ?? {}),
  ]);
  return serveSide;
}

/** The keys of an LLMConfig, and the nested ones people put at its top level by mistake. */
function llmConfigSideKeys(): Set<string> {
  llmSide ??= new Set([
    ...Object.keys(resolveRef({ $ref: "#/$defs/LlmConfig" }).properties ?? {}),
    ...Object.keys(MISPLACED_KEY_HINTS["LlmConfig"] ?? {}),
  ]);
  return llmSide;
}
