import { describe, expect, it } from "vitest";
import { createStopMatcher } from "../../../src/replica/engine/createStopMatcher.js";

function run(stops: string[], pieces: string[]): { emitted: string; stopped: boolean } {
  const matcher = createStopMatcher(stops);
  let emitted = "";
  for (const piece of pieces) {
    const match = matcher.push(piece);
    emitted += match.text;
    if (match.stopped) return { emitted, stopped: true };
  }
  return { emitted: emitted + matcher.flush(), stopped: false };
}

describe("createStopMatcher", () => {
  it("should pass text through when there are no stop strings", () => {
    expect(run([], ["a", "b"])).toEqual({ emitted: "ab", stopped: false });
  });

  it("should cut before a stop string inside one piece, dropping the rest", () => {
    expect(run(["STOP"], ["abcSTOPdef"])).toEqual({ emitted: "abc", stopped: true });
  });

  it("should hold back a stop string split across pieces and never emit any part of it", () => {
    const matcher = createStopMatcher(["</end>"]);
    expect(matcher.push("hello </e")).toEqual({ text: "hello ", stopped: false });
    expect(matcher.push("n")).toEqual({ text: "", stopped: false });
    expect(matcher.push("d>tail")).toEqual({ text: "", stopped: true, stop: "</end>" });
  });

  it("should release held text once it can no longer start a stop string", () => {
    const matcher = createStopMatcher(["</end>"]);
    expect(matcher.push("a </e")).toEqual({ text: "a ", stopped: false });
    expect(matcher.push("x")).toEqual({ text: "</ex", stopped: false });
  });

  it("should stop at the earliest of several stop strings", () => {
    expect(run(["world", "lo w"], ["hel", "lo world"])).toEqual({ emitted: "hel", stopped: true });
  });

  it("should flush held text when generation ends without a stop", () => {
    expect(run(["STOP"], ["abc ST"])).toEqual({ emitted: "abc ST", stopped: false });
  });
});
