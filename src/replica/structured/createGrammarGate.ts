import type { ReasoningMarkers } from "./reasoningMarkersFor.js";

/**
 * Which grammar the sampler uses for the next token:
 * - "none": the model is reasoning, unconstrained;
 * - "opening": the grammar that allows either a reasoning start marker or the constrained output (see
 *   `CompileGrammarOptions.reasoningStartMarkers`); it stays in use when the model went straight to the output;
 * - "content": the plain grammar, from a fresh evaluation state, after the reasoning ended.
 */
export type GrammarPhase = "none" | "opening" | "content";

export interface GrammarGate {
  /** Feeds the text of each generated token, in order. */
  push(text: string): void;
  readonly phase: GrammarPhase;
}

/**
 * Decides, token by token, when the output constraint starts: structured output and forced tool calls apply to the
 * content only, so the grammar is off while the model reasons and switches on right after the end marker.
 * `reasoning: undefined` means there is no reasoning phase (no parser, thinking disabled, or the rendered prompt
 * already closed it): the grammar applies from the first token.
 */
export function createGrammarGate(reasoning: ReasoningMarkers | undefined): GrammarGate {
  let phase: GrammarPhase = reasoning === undefined ? "content" : reasoning.startRequired ? "opening" : "none";
  let openingDecided = false;
  let text = "";
  const longestEnd = Math.max(0, ...(reasoning?.end ?? []).map((marker) => marker.length));

  return {
    push(piece: string): void {
      if (reasoning === undefined || phase === "content") return;
      text += piece;
      if (phase === "opening") {
        if (openingDecided) return;
        const start = text.trimStart();
        if (start.length === 0) return;
        const opened = reasoning.start.find((marker) => start.startsWith(marker));
        if (opened !== undefined) {
          phase = "none";
          text = start.slice(opened.length);
        } else if (!reasoning.start.some((marker) => marker.startsWith(start))) {
          openingDecided = true; // straight to the output: the opening grammar keeps constraining it
          return;
        } else return;
      }
      if (reasoning.end.some((marker) => text.includes(marker))) {
        phase = "content";
        text = "";
      } else if (text.length > longestEnd) text = text.slice(text.length - longestEnd);
    },
    get phase() {
      return phase;
    },
  };
}
