import { createReasoningParser } from "../../reasoning/createReasoningParser.js";
import type { Engine } from "../engine/Engine.js";
import type { ThinkingState } from "../prompt/thinkingState.js";
import type { ReplicaSettings } from "../ReplicaSettings.js";
import { createConstrainedSampling, type ConstrainedSampling } from "../structured/createConstrainedSampling.js";
import { reasoningMarkersFor, type ReasoningMarkers } from "../structured/reasoningMarkersFor.js";
import { resolveStructuredOutput, type StructuredOutputPlan } from "../structured/resolveStructuredOutput.js";
import { resolveToolCalling, type ToolCallingPlan } from "../tools/resolveToolCalling.js";
import { OpenAIHttpError } from "./OpenAIHttpError.js";
import { toOpenAIHttpError } from "./toOpenAIHttpError.js";

/** What a chat request asks for beyond free text: tools and/or an output constraint. */
export interface ChatConstraints {
  tooling: ToolCallingPlan;
  structured: StructuredOutputPlan | undefined;
}

/** Validates `tools`/`tool_choice` and `response_format`/`guided_*` of a chat body (400s as OpenAIHttpError). */
export function resolveChatConstraints(body: Record<string, unknown>, settings: ReplicaSettings): ChatConstraints {
  const tooling = resolveToolCalling(body, { enableAutoToolChoice: settings.enableAutoToolChoice, toolCallParser: settings.toolCallParser });
  const structured = resolveStructuredOutput(body);
  if (tooling.grammar !== undefined && structured !== undefined) {
    throw new OpenAIHttpError(400, `tool_choice ${JSON.stringify(tooling.choice)} forces tool calls; it cannot be combined with ${structured.param}.`, {
      param: "tool_choice", code: "invalid_value",
    });
  }
  return { tooling, structured };
}

/**
 * The sampler side of the constraints: the grammar, switched on only once the reasoning has ended. The reasoning
 * phase is skipped when there is no parser, the prompt already closed the thinking, or the parser (given the
 * template kwargs) treats the whole output as content (thinking switched off).
 */
export async function createChatSampling(options: {
  constraints: ChatConstraints;
  engine: Engine;
  settings: ReplicaSettings;
  chatTemplateKwargs: Readonly<Record<string, unknown>>;
  thinking: ThinkingState;
}): Promise<ConstrainedSampling | undefined> {
  const { constraints, engine, settings, thinking } = options;
  const grammar = constraints.tooling.grammar ?? constraints.structured?.grammar;
  if (grammar === undefined) return undefined;
  const param = constraints.tooling.grammar !== undefined ? "tool_choice" : constraints.structured?.param;
  try {
    return await createConstrainedSampling({
      llama: engine.model.llama,
      model: engine.model,
      grammar,
      reasoning: reasoningPhase(settings.reasoningParser, options.chatTemplateKwargs, thinking),
      param,
    });
  } catch (error) {
    throw toOpenAIHttpError(error);
  }
}

function reasoningPhase(
  parserName: string | undefined,
  chatTemplateKwargs: Readonly<Record<string, unknown>>,
  thinking: ThinkingState,
): ReasoningMarkers | undefined {
  if (parserName === undefined || thinking.promptEndsAfterThinking) return undefined;
  const markers = reasoningMarkersFor(parserName);
  const parser = createReasoningParser(parserName, {
    chatTemplateKwargs: { ...chatTemplateKwargs },
    promptEndsInsideThinking: thinking.promptEndsInsideThinking,
    promptEndsAfterThinking: thinking.promptEndsAfterThinking,
  });
  // a complete reasoning block that still comes back as all content: thinking is off for this request
  const probe = parser.extract(`${markers.start[0] ?? ""}r${markers.end[0] ?? ""}c`);
  if (probe.reasoning === null) return undefined;
  return thinking.promptEndsInsideThinking ? { ...markers, startRequired: false } : markers;
}
