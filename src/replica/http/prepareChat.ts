import type { Token } from "node-llama-cpp";
import { createReasoningParser } from "../../reasoning/createReasoningParser.js";
import { identityParser } from "../../reasoning/parserFromMachine.js";
import type { ReasoningParser, ReasoningParserOptions } from "../../reasoning/ReasoningParser.js";
import { createGenerationReasoning } from "../engine/createGenerationReasoning.js";
import type { Engine } from "../engine/Engine.js";
import type { GenerationReasoning } from "../engine/GenerationReasoning.js";
import { tokenizeForGeneration } from "../engine/tokenizeForGeneration.js";
import { renderChatPrompt } from "../prompt/renderChatPrompt.js";
import { thinkingState } from "../prompt/thinkingState.js";
import type { ReplicaRuntime } from "../ReplicaRuntime.js";
import type { ConstrainedSampling } from "../structured/createConstrainedSampling.js";
import type { JsonOutputValidator } from "../structured/createJsonOutputValidator.js";
import type { ToolCallParser } from "../../tools/ToolCallTypes.js";
import { createChatSampling, resolveChatConstraints } from "./chatConstraints.js";
import { OpenAIHttpError } from "./OpenAIHttpError.js";
import { parseChatRequest, type ChatRequest } from "./parseChatRequest.js";
import { assertModel, readyEngine } from "./readyEngine.js";

/** One chat request, validated and rendered, ready to generate (shared by chat completions, responses, messages). */
export interface PreparedChat {
  readonly request: ChatRequest;
  readonly engine: Engine;
  readonly promptTokens: readonly Token[];
  readonly defaultSeed: number | undefined;
  /** Splits the output into reasoning and content (the identity parser without `reasoning_parser`). */
  readonly parser: ReasoningParser;
  readonly constrained: ConstrainedSampling | undefined;
  /** Run on the content only; undefined: the content is plain text. */
  readonly toolParser: ToolCallParser | undefined;
  /** JSON structured output: checked on the final content. */
  readonly validate: JsonOutputValidator | undefined;
  /** Reasoning token count and thinking budget; undefined without `reasoning_parser`. */
  readonly reasoning: GenerationReasoning | undefined;
}

/**
 * Validates a chat-completions-shaped body (the other APIs translate theirs into it), renders the chat template and
 * sets up the output side: reasoning split, tool calls, structured output, thinking budget. A budget of 0 renders
 * the template with thinking off (`enable_thinking: false`, `thinking: false`) unless the request set those itself,
 * so hybrid models skip the thought; models that always think get their thought closed before the first token.
 */
export async function prepareChat(runtime: ReplicaRuntime, body: Record<string, unknown>): Promise<PreparedChat> {
  const request = parseChatRequest(body);
  assertModel(runtime, request.model);
  const { settings } = runtime;
  const constraints = resolveChatConstraints(body, settings);
  const engine = readyEngine(runtime);
  const template = runtime.chatTemplate;
  if (template === undefined) {
    throw new OpenAIHttpError(400, `model ${request.model} has no chat template in its GGUF; use /v1/completions with a raw prompt`, {
      code: "no_chat_template",
    });
  }
  const budget = request.thinkingTokenBudget ?? settings.thinkingTokenBudget;
  const kwargs = templateKwargs(settings.defaultChatTemplateKwargs, request, budget === 0);
  const prompt = renderChatPrompt({
    template,
    messages: request.messages,
    tools: constraints.tooling.templateTools,
    addGenerationPrompt: request.addGenerationPrompt,
    chatTemplateKwargs: kwargs,
    bosToken: engine.model.tokens.bosString ?? "",
    eosToken: engine.model.tokens.eosString ?? "",
  });
  const thinking = thinkingState(prompt, settings.reasoningTags);
  const parserOptions: ReasoningParserOptions = {
    chatTemplateKwargs: { ...kwargs },
    promptEndsInsideThinking: thinking.promptEndsInsideThinking,
    promptEndsAfterThinking: thinking.promptEndsAfterThinking,
    keepToolCallText: constraints.tooling.parser?.name === "openai",
    ...(settings.reasoningTags !== undefined ? { thinkTags: settings.reasoningTags } : {}),
  };
  const parserName = settings.reasoningParser;
  return {
    request,
    engine,
    promptTokens: tokenizeForGeneration(engine, prompt, "messages"),
    defaultSeed: settings.defaultSeed,
    parser: parserName === undefined ? identityParser : createReasoningParser(parserName, parserOptions),
    constrained: await createChatSampling({ constraints, engine, settings, chatTemplateKwargs: kwargs, thinking }),
    toolParser: constraints.tooling.parser,
    validate: constraints.structured?.validate,
    reasoning: createGenerationReasoning({ parserName, parserOptions, budget, model: engine.model }),
  };
}

/**
 * The template variables from the model's `default_chat_template_kwargs` under the request's, with
 * `reasoning_effort` passed through and `"none"` (or a zero thinking budget) meaning thinking off unless the
 * request set the switch itself.
 */
function templateKwargs(defaults: Readonly<Record<string, unknown>>, request: ChatRequest, noThinking: boolean): Record<string, unknown> {
  const kwargs: Record<string, unknown> = { ...defaults };
  if (request.reasoningEffort !== undefined) kwargs["reasoning_effort"] = request.reasoningEffort;
  if (request.reasoningEffort === "none" || noThinking) {
    kwargs["enable_thinking"] = false;
    kwargs["thinking"] = false;
  }
  return { ...kwargs, ...request.chatTemplateKwargs };
}
