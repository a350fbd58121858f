import { describe, expect, it } from "vitest";
import { createReasoningParser } from "../../../src/index.js";
import { reasoningMarkersFor } from "../../../src/replica/structured/reasoningMarkersFor.js";

describe("reasoningMarkersFor", () => {
  // The grammar gate opens after the end marker; the chat route probes the parser with start + "r" + end + "c" to
  // see whether the request thinks at all, so the markers must be ones the parser itself splits on.
  it.each(["openai_gptoss", "step3p5", "granite_thinking", "holo2", "mimo", "nemotron_v3", "qwen3", "granite"])(
    "should give %s markers that its parser splits into reasoning and content",
    (name) => {
      const markers = reasoningMarkersFor(name);
      const split = createReasoningParser(name).extract(`${markers.start[0]}r${markers.end[0]}c`);
      expect(split).toEqual({ reasoning: "r", content: "c" });
    },
  );
});
