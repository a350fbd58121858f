/** The request fields that switch thinking on or off (OpenAI chat completion body, vLLM extensions). */
export interface ThinkingToggles {
  /** vLLM's per-request template kwargs, e.g. `{"enable_thinking": false}` (Qwen3) or `{"thinking": true}` (Granite). */
  chat_template_kwargs?: Record<string, unknown> | null;
  /** OpenAI's effort level; `"none"` means thinking off. Other values are passed to the template as they are. */
  reasoning_effort?: string | null;
}

/**
 * The template kwargs one request is rendered with, and that its reasoning parser receives:
 * the model's defaults (vLLM's `default_chat_template_kwargs`), then `reasoning_effort: "none"` (mapped to
 * `enable_thinking: false` and `thinking: false`, the two spellings templates use), then the request's own
 * `chat_template_kwargs`, each layer winning over the one before. A `reasoning_effort` other than `"none"` is
 * added as `reasoning_effort` when the kwargs don't set it, for templates that read it (gpt-oss).
 * Pure: returns a new object.
 */
export function resolveChatTemplateKwargs(
  request: ThinkingToggles,
  modelDefaults: Readonly<Record<string, unknown>> = {},
): Record<string, unknown> {
  const kwargs: Record<string, unknown> = { ...modelDefaults };
  const effort = request.reasoning_effort;
  if (effort === "none") {
    kwargs["enable_thinking"] = false;
    kwargs["thinking"] = false;
  } else if (typeof effort === "string") {
    kwargs["reasoning_effort"] = effort;
  }
  return { ...kwargs, ...(request.chat_template_kwargs ?? {}) };
}

/**
 * Whether the request asks for thinking, after resolving the toggles like `resolveChatTemplateKwargs`:
 * `false` when `enable_thinking` or `thinking` is `false` (either spelling switches it off), `true` when one of
 * them is `true`, `undefined` when neither is set (the model's own default applies: Qwen3 thinks, Granite does not).
 */
export function thinkingRequested(
  request: ThinkingToggles,
  modelDefaults: Readonly<Record<string, unknown>> = {},
): boolean | undefined {
  const kwargs = resolveChatTemplateKwargs(request, modelDefaults);
  const values = [kwargs["enable_thinking"], kwargs["thinking"]];
  if (values.includes(false)) return false;
  if (values.includes(true)) return true;
  return undefined;
}
