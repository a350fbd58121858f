import { describe, expect, it } from "vitest";
import { matchRoute, resolveModel, type RouteApp } from "../../../src/controller/router.js";

const chat: RouteApp = { name: "chat", routePrefix: "/", modelIds: ["qwen-0.5b"] };
const reasoning: RouteApp = { name: "reasoning", routePrefix: "/reasoning", modelIds: ["qwq", "r1"] };
const hidden: RouteApp = { name: "batch", routePrefix: null, modelIds: ["hidden"] };

describe("matchRoute", () => {
  it("should scope a request under a non-root route_prefix to that application and strip the prefix", () => {
    const scope = matchRoute([chat, reasoning], "/reasoning/v1/chat/completions");
    expect(scope.apps.map((a) => a.name)).toEqual(["reasoning"]);
    expect(scope.path).toBe("/v1/chat/completions");
  });

  it("should let root paths see every exposed application (so /v1/models lists every model)", () => {
    const scope = matchRoute([chat, reasoning, hidden], "/v1/models");
    expect(scope.apps.map((a) => a.name)).toEqual(["chat", "reasoning"]);
    expect(scope.path).toBe("/v1/models");
  });

  it("should not treat a prefix as matching a longer path segment", () => {
    expect(matchRoute([chat, reasoning], "/reasoningx/v1/models").apps.map((a) => a.name)).toEqual(["chat", "reasoning"]);
  });

  it("should pick the longest matching prefix", () => {
    const nested: RouteApp = { name: "nested", routePrefix: "/reasoning/big", modelIds: ["big"] };
    const scope = matchRoute([reasoning, nested], "/reasoning/big/v1/completions");
    expect(scope.apps.map((a) => a.name)).toEqual(["nested"]);
    expect(scope.path).toBe("/v1/completions");
  });
});

describe("resolveModel", () => {
  it("should use the only model when `model` is missing", () => {
    const resolved = resolveModel({ apps: [chat], path: "/v1/chat/completions" }, undefined);
    expect(resolved).toEqual({ ok: true, app: chat, modelId: "qwen-0.5b" });
  });

  it("should answer 400 listing the models when `model` is missing and several are served", () => {
    const resolved = resolveModel({ apps: [chat, reasoning], path: "/" }, undefined);
    expect(resolved.ok).toBe(false);
    if (resolved.ok) return;
    expect(resolved.status).toBe(400);
    expect(resolved.param).toBe("model");
    expect(resolved.message).toContain("qwen-0.5b, qwq, r1");
  });

  it("should answer 404 listing the known ids for an unknown model", () => {
    const resolved = resolveModel({ apps: [chat, reasoning], path: "/" }, "gpt-4");
    expect(resolved).toMatchObject({ ok: false, status: 404, code: "model_not_found" });
    if (!resolved.ok) expect(resolved.message).toBe("The model 'gpt-4' does not exist. Available models: qwen-0.5b, qwq, r1.");
  });

  it("should reject a non-string model with 400", () => {
    expect(resolveModel({ apps: [chat], path: "/" }, 42)).toMatchObject({ ok: false, status: 400 });
  });

  it("should prefer the application at / when two applications serve the same model id", () => {
    const other: RouteApp = { name: "other", routePrefix: "/other", modelIds: ["qwen-0.5b"] };
    const resolved = resolveModel({ apps: [other, chat], path: "/" }, "qwen-0.5b");
    expect(resolved).toMatchObject({ ok: true, app: { name: "chat" } });
  });
});
