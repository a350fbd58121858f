import { describe, expect, it } from "vitest";
import { schemaDefault } from "../../../src/config/schemaDefault.js";

describe("schemaDefault", () => {
  it("should read a default from a definition and from a mapping nested in it", () => {
    expect(schemaDefault("HttpOptions", "host")).toBe("127.0.0.1");
    expect(schemaDefault("AutoscalingConfig", "downscale_delay_s")).toBe(600);
    expect(schemaDefault("HttpOptions", "cors", "max_age_s")).toBe(600);
  });

  it("should hand out a copy that cannot change the schema", () => {
    const headers = schemaDefault("HttpOptions", "cors", "allowed_headers") as string[];
    headers.push("x-changed");
    expect(schemaDefault("HttpOptions", "cors", "allowed_headers")).not.toContain("x-changed");
  });

  it("should throw an internal error for a key without a default", () => {
    expect(() => schemaDefault("AutoscalingConfig", "initial_replicas")).toThrow("internal error: the schema gives AutoscalingConfig.initial_replicas no default");
    expect(() => schemaDefault("NoSuchDefinition", "x")).toThrow("internal error");
  });
});
