import { describe, expect, it } from "vitest";
import { withLastKey } from "../../../src/controller/withLastKey.js";

describe("withLastKey (the controller filling in a request's model)", () => {
  it("should add the key and keep the other values as spelled", () => {
    const text = withLastKey('{"messages": [], "tools": [{"minimum": 0.0}]}\n', "model", "qwen").toString();
    expect(text).toBe('{"messages": [], "tools": [{"minimum": 0.0}],"model":"qwen"}');
  });

  it("should win over a null or empty model and handle an empty object", () => {
    expect(JSON.parse(withLastKey('{"model": null, "x": 1}', "model", "m").toString())).toEqual({ model: "m", x: 1 });
    expect(JSON.parse(withLastKey(" { } ", "model", "m").toString())).toEqual({ model: "m" });
  });
});
