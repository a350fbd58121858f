import type { ReasoningParserDefinition } from "../ReasoningParserDefinition.js";
import { forcingContent } from "./forcingContent.js";
import { deepseekR1 } from "./thinkTagParsers.js";

/**
 * nemotron_v3 (NVIDIA Nemotron Nano): deepseek_r1's split; with `enable_thinking: false` or
 * `force_nonempty_content: true` in the template kwargs, a thought without an answer becomes the answer
 * (`forcingContent`), since the model then writes its answer where the parser expects a thought.
 */
export const nemotronV3: ReasoningParserDefinition = {
  create: (options) => {
    const parser = deepseekR1.create(options);
    const kwargs = options.chatTemplateKwargs ?? {};
    const forcing = kwargs["enable_thinking"] === false || kwargs["force_nonempty_content"] === true;
    return forcing ? forcingContent(parser, options.thinkTags?.end ?? "</think>") : parser;
  },
  promptTags: { start: ["<think>"], end: ["</think>"] },
  configurableTags: true,
  closeThought: deepseekR1.closeThought,
};
