import type { Marker } from "./markers.js";
import type { ReasoningProgress, ReasoningSplit, ReasoningStream } from "./ReasoningParser.js";

/** Where the text of a phase goes. */
export type Channel = "reasoning" | "content";

export interface Transition {
  marker: Marker;
  /** The phase after the marker. */
  next: string;
  /** Only where the current phase began (nothing of the phase consumed yet). Defaults to `false`. */
  atPhaseStart?: boolean;
  /** Send the marker's own text to the next phase's channel instead of dropping it. Defaults to `false`. */
  keep?: boolean;
}

export interface Phase {
  channel: Channel;
  /** Tried in order at each position; the first full match wins, a "partial" earlier in the list holds back. */
  transitions: readonly Transition[];
}

/**
 * A text-level state machine: phases send their text to a channel, and markers (tags) move between phases.
 * Every tag-based parser is one of these; only the phases and markers differ.
 */
export interface MachineSpec {
  initial: string;
  phases: Readonly<Record<string, Phase>>;
}

/** The stream plus what the non-streamed rules need to know once the text is over. */
export interface MachineStream extends ReasoningStream {
  progress(): ReasoningProgress;
  /** The phase the machine is in now. */
  phase(): string;
  /** Whether any reasoning-channel phase was entered (including the initial one). */
  enteredReasoning(): boolean;
}

function phaseOf(spec: MachineSpec, name: string): Phase {
  const phase = spec.phases[name];
  if (!phase) throw new Error(`reasoning machine has no phase "${name}"`);
  return phase;
}

function toSplit(reasoning: string, content: string): ReasoningSplit {
  return { reasoning: reasoning === "" ? null : reasoning, content: content === "" ? null : content };
}

/** Starts one pass of the machine over a generation. */
export function startMachine(spec: MachineSpec): MachineStream {
  let current = spec.initial;
  let enteredReasoning = phaseOf(spec, current).channel === "reasoning";
  let held = "";
  /** Characters consumed before `held` starts, and where the current phase began (both absolute). */
  let consumed = 0;
  let phaseStart = 0;
  let reasoningRanges: [number, number][] = [];

  const run = (final: boolean): ReasoningSplit => {
    const out = { reasoning: "", content: "" };
    const text = held;
    let segmentStart = 0;
    let index = 0;
    const emit = (channel: Channel, from: number, to: number): void => {
      if (to <= from) return;
      out[channel] += text.slice(from, to);
      if (channel === "reasoning") reasoningRanges.push([consumed + from, consumed + to]);
    };
    scan: while (index < text.length) {
      const phase = phaseOf(spec, current);
      for (const transition of phase.transitions) {
        if (transition.atPhaseStart && consumed + index !== phaseStart) continue;
        const result = transition.marker(text, index, final);
        if (result === undefined || result === 0) continue;
        emit(phase.channel, segmentStart, index);
        if (result === "partial") {
          held = text.slice(index);
          consumed += index;
          return toSplit(out.reasoning, out.content);
        }
        const next = phaseOf(spec, transition.next);
        if (transition.keep) emit(next.channel, index, index + result);
        current = transition.next;
        if (next.channel === "reasoning") enteredReasoning = true;
        index += result;
        segmentStart = index;
        phaseStart = consumed + index;
        continue scan;
      }
      index++;
    }
    emit(phaseOf(spec, current).channel, segmentStart, text.length);
    held = "";
    consumed += text.length;
    return toSplit(out.reasoning, out.content);
  };

  return {
    push(delta) {
      held += delta;
      return run(false);
    },
    end() {
      return run(true);
    },
    progress() {
      const ranges = reasoningRanges;
      reasoningRanges = [];
      return { resolved: consumed, reasoningRanges: ranges, inReasoning: phaseOf(spec, current).channel === "reasoning" };
    },
    phase: () => current,
    enteredReasoning: () => enteredReasoning,
  };
}
