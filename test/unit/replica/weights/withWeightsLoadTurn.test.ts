import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { withWeightsLoadTurn } from "../../../../src/replica/engine/weights/withWeightsLoadTurn.js";

describe("withWeightsLoadTurn", () => {
  it("should let CPU loads take turns and GPU loads go at once", async () => {
    const events: string[] = [];
    const load = (name: string, backend: "cpu" | "cuda") =>
      withWeightsLoadTurn(backend, undefined, async () => {
        events.push(`${name} start`);
        await sleep(300);
        events.push(`${name} end`);
      });
    await Promise.all([load("a", "cpu"), load("b", "cpu"), sleep(50).then(() => load("gpu", "cuda"))]);
    const [first, second] = events.filter((event) => event.endsWith("start") && !event.startsWith("gpu")).map((event) => event[0]!);
    // the second CPU load starts only after the first one ended; the GPU load ran while the first held the turn
    expect(events.indexOf(`${second} start`)).toBeGreaterThan(events.indexOf(`${first} end`));
    expect(events.indexOf("gpu start")).toBeLessThan(events.indexOf(`${first} end`));
  });
});
