import { describe, expect, it } from "vitest";
import { applyConflict } from "../../../src/controller/applyConflict.js";
import type { ControllerSpec } from "../../../src/controller/controllerSpec.js";

const spec = (overrides: Partial<ControllerSpec>): ControllerSpec =>
  ({ host: "127.0.0.1", port: 8000, configPath: "/a.yaml", configHash: "h1", ...overrides }) as ControllerSpec;

describe("applyConflict", () => {
  it("should let the first apply and a same-address apply through", () => {
    expect(applyConflict(undefined, spec({}), false)).toBeUndefined();
    expect(applyConflict(spec({}), spec({ configHash: "h2" }), false)).toBeUndefined();
    // The same file again while it deploys is the same run asking again.
    expect(applyConflict(spec({}), spec({}), true)).toBeUndefined();
  });

  it("should refuse a changed HTTP address with 400 and another file while one deploys with 409", () => {
    expect(applyConflict(spec({}), spec({ port: 9000 }), false)).toEqual({
      status: 400,
      body: { error: expect.stringMatching(/^http_options changed \(127\.0\.0\.1:8000 -> 127\.0\.0\.1:9000\)/) },
    });
    expect(applyConflict(spec({}), spec({ configHash: "h2" }), true)).toEqual({
      status: 409,
      body: { error: expect.stringMatching(/^another llmserve run is deploying \/a\.yaml right now/) },
    });
  });
});
