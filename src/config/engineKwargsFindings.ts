import type { ConfigTarget } from "./ResolvedConfig.js";
import { configSchema, resolveRef } from "./configSchema.js";
import { didYouMean } from "./didYouMean.js";
import { errorAt, warningAt, type Finding } from "./Finding.js";
import { ignoredEngineArgumentMessage } from "./ignoredKeyFindings.js";
import { VLLM_ENGINE_ARG_NAMES } from "./vllmEngineArgNames.js";
import { isInteger, llmConfigsOf, recordAt } from "./walkConfig.js";
import { ownValue } from "./ownValue.js";
import { readReasoningSettings } from "./readReasoningSettings.js";

const FORBIDDEN: Readonly<Record<string, string>> = {
  model:
    "'model' cannot be set in engine_kwargs; the weights come from model_loading_config.model_source (Ray refuses it too)",
  served_model_name:
    "'served_model_name' cannot be set in engine_kwargs; the served name is model_loading_config.model_id (Ray refuses it too)",
};

/**
 * engine_kwargs rules: keys the schema types are checked by the schema; other vLLM engine arguments are accepted
 * (ignored locally, with a warning); anything else is an error with a did-you-mean, as in Ray.
 */
export function engineKwargsFindings(root: unknown, target: ConfigTarget): Finding[] {
  const typedKeys = Object.keys(resolveRef({ $ref: "#/$defs/EngineKwargs" }, configSchema()).properties ?? {});
  const known = [...new Set([...typedKeys, ...VLLM_ENGINE_ARG_NAMES])];
  const findings: Finding[] = [];
  for (const { llmConfig, llmSegments } of llmConfigsOf(root)) {
    const kwargs = recordAt(llmConfig, "engine_kwargs");
    if (kwargs === undefined) continue;
    const base = [...llmSegments, "engine_kwargs"];
    for (const key of Object.keys(kwargs)) {
      const forbidden = ownValue(FORBIDDEN, key);
      if (forbidden !== undefined) {
        findings.push(errorAt([...base, key], forbidden, "key"));
      } else if (typedKeys.includes(key)) {
        continue;
      } else if (VLLM_ENGINE_ARG_NAMES.includes(key)) {
        if (target === "local") {
          findings.push(warningAt([...base, key], ignoredEngineArgumentMessage(key)));
        }
      } else {
        const guess = didYouMean(key, known);
        const message =
          guess === undefined
            ? `unknown engine argument '${key}' (not a vLLM engine argument; Ray would refuse it too)`
            : `unknown engine argument '${key}', did you mean '${guess}'?`;
        findings.push(errorAt([...base, key], message, "key"));
      }
    }
    if (kwargs["enable_auto_tool_choice"] === true && kwargs["tool_call_parser"] === undefined) {
      findings.push(
        errorAt(
          [...base, "enable_auto_tool_choice"],
          "enable_auto_tool_choice needs a tool_call_parser (for example hermes for Qwen models)",
        ),
      );
    }
    if (kwargs["thinking_token_budget"] !== undefined && readReasoningSettings(kwargs).reasoningParser === undefined) {
      findings.push(
        errorAt(
          [...base, "thinking_token_budget"],
          "thinking_token_budget needs a reasoning_parser or reasoning_config (the parser knows where the thought ends and how to close it)",
        ),
      );
    }
    // Ray reads log_engine_metrics as a truth value: null turns the metrics off like false.
    const metricsOn = llmConfig["log_engine_metrics"] === undefined || llmConfig["log_engine_metrics"] === true;
    if (kwargs["disable_log_stats"] === true && metricsOn) {
      findings.push(
        errorAt(
          [...base, "disable_log_stats"],
          "disable_log_stats cannot be true while log_engine_metrics is on (the default); set log_engine_metrics: false (Ray refuses this too)",
        ),
      );
    }
    const tensorParallel = kwargs["tensor_parallel_size"];
    const pipelineParallel = kwargs["pipeline_parallel_size"];
    const gpus =
      (isInteger(tensorParallel) ? tensorParallel : 1) * (isInteger(pipelineParallel) ? pipelineParallel : 1);
    if (llmConfig["accelerator_type"] === "CPU" && gpus > 1) {
      const which = isInteger(tensorParallel) && tensorParallel > 1 ? "tensor_parallel_size" : "pipeline_parallel_size";
      findings.push(
        errorAt([...base, which], `${which} > 1 splits a replica across GPUs, but accelerator_type is CPU`),
      );
    }
  }
  return findings;
}
