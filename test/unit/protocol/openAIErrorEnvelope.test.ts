import { describe, expect, it } from "vitest";
import { openAIErrorEnvelope } from "../../../src/protocol/openAIErrorEnvelope.js";
import { OpenAIHttpError } from "../../../src/replica/http/OpenAIHttpError.js";

describe("openAIErrorEnvelope", () => {
  it("should give OpenAI's four fields, typed by status, with null param and code when not given", () => {
    expect(openAIErrorEnvelope(400, "bad")).toEqual({ error: { message: "bad", type: "invalid_request_error", param: null, code: null } });
    expect(openAIErrorEnvelope(404, "gone").error.type).toBe("invalid_request_error");
    expect(openAIErrorEnvelope(500, "boom").error.type).toBe("server_error");
    expect(openAIErrorEnvelope(503, "busy").error.type).toBe("server_error");
  });

  it("should keep the type, param and code it is given", () => {
    expect(openAIErrorEnvelope(503, "busy", { type: "overloaded", param: "model", code: "queue_full" })).toEqual({
      error: { message: "busy", type: "overloaded", param: "model", code: "queue_full" },
    });
  });

  it("should be what an OpenAIHttpError renders", () => {
    const error = new OpenAIHttpError(404, "no such model", { param: "model", code: "model_not_found", headers: { "retry-after": "1" } });
    expect(error.toJSON()).toEqual(openAIErrorEnvelope(404, "no such model", { param: "model", code: "model_not_found" }));
    expect(Object.keys(error.toJSON().error)).toEqual(["message", "type", "param", "code"]);
  });
});
