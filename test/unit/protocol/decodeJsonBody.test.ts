import { describe, expect, it } from "vitest";
import { decodeJsonBody } from "../../../src/protocol/decodeJsonBody.js";

const body = Buffer.from('{"model":"m","messages":[]}');

describe("decodeJsonBody", () => {
  it("should accept a JSON object sent as JSON, with or without a UTF-8 charset, or with no Content-Type", () => {
    for (const contentType of [undefined, "", "application/json", "Application/JSON; charset=UTF-8", 'application/json; charset="utf-8"', "application/problem+json"]) {
      expect(decodeJsonBody(body, contentType), String(contentType)).toEqual({ ok: true, value: { model: "m", messages: [] } });
    }
  });

  it("should refuse a body sent as something other than JSON", () => {
    for (const contentType of ["text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonx"]) {
      expect(decodeJsonBody(body, contentType), contentType).toMatchObject({ ok: false, code: "invalid_content_type" });
    }
    expect(decodeJsonBody(body, "application/json; charset=utf-16")).toEqual({
      ok: false,
      code: "invalid_content_type",
      message: 'the request body must be UTF-8 JSON (got charset "utf-16")',
    });
  });

  it("should refuse bytes that are not UTF-8, even inside a JSON string", () => {
    const bytes = Buffer.concat([Buffer.from('{"model":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    expect(decodeJsonBody(bytes, "application/json")).toEqual({ ok: false, code: "invalid_json", message: "the request body is not valid UTF-8 (JSON text must be UTF-8)" });
    // A lone surrogate encoded as UTF-8 (CESU) is not UTF-8 either.
    expect(decodeJsonBody(Buffer.from([0x22, 0xed, 0xa0, 0x80, 0x22]), undefined)).toMatchObject({ ok: false, code: "invalid_json" });
  });

  it("should refuse empty bodies, invalid JSON and JSON that is not an object", () => {
    expect(decodeJsonBody(Buffer.from("  "), undefined)).toMatchObject({ ok: false, message: "the request body is empty; expected a JSON object" });
    expect(decodeJsonBody(Buffer.from('{"a":'), undefined)).toMatchObject({ ok: false, code: "invalid_json", message: expect.stringMatching(/^the request body is not valid JSON: /) });
    for (const text of ["[1]", "null", "3", '"x"']) {
      expect(decodeJsonBody(Buffer.from(text), undefined), text).toMatchObject({ ok: false, message: "the request body must be a JSON object" });
    }
  });
});
