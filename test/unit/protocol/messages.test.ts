import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseAdminApplyRequest, parseAdminApplyResponse } from "../../../src/protocol/adminApi.js";
import { formatControllerState, parseControllerState, type ControllerState } from "../../../src/protocol/ControllerState.js";
import { formatControllerStartupEvent, parseControllerStartupEvent } from "../../../src/protocol/ControllerStartupEvent.js";
import { formatReplicaEvent, parseReplicaEvent, type ReplicaEvent } from "../../../src/protocol/ReplicaEvent.js";
import { readReplicaSpecFile, writeReplicaSpecFile } from "../../../src/protocol/ReplicaSpec.js";
import { sampleReplicaSpec } from "../../helpers/sampleReplicaSpec.js";

describe("replica events", () => {
  it("should read back every event it writes", () => {
    const events: ReplicaEvent[] = [
      { event: "listening", host: "127.0.0.1", port: 43125 },
      { event: "progress", phase: "downloading", downloadedBytes: 10, totalBytes: 100 },
      { event: "progress", phase: "downloading", downloadedBytes: 10, totalBytes: null },
      { event: "progress", phase: "loading", fraction: 0.4 },
      { event: "engine", generation: "native", cpuKernels: "prebuilt", backend: "cpu", weights: "huge-pages", warnings: [] },
      { event: "engine", generation: "stock", cpuKernels: "local", backend: "cuda", weights: "mapped", warnings: ["slow"] },
      { event: "ready" },
      { event: "failed", reason: "no such file" },
    ];
    for (const event of events) expect(parseReplicaEvent(formatReplicaEvent(event).trim())).toEqual(event);
  });

  it("should read an unknown download size as null whether it is missing or null", () => {
    expect(parseReplicaEvent('{"event":"progress","phase":"downloading","downloadedBytes":5}')).toEqual({
      event: "progress", phase: "downloading", downloadedBytes: 5, totalBytes: null,
    });
  });

  it("should ignore lines that are not events", () => {
    for (const line of ["", "hello", "[1]", '{"event":"listening"}', '{"event":"progress","phase":"x"}', "null"]) {
      expect(parseReplicaEvent(line)).toBeUndefined();
    }
  });
});

describe("controller start-up event", () => {
  it("should read back both events and turn any other line into a failure quoting it", () => {
    const started = { event: "started", pid: 5, adminPort: 6, port: 7 } as const;
    expect(parseControllerStartupEvent(formatControllerStartupEvent(started).trim())).toEqual(started);
    expect(parseControllerStartupEvent('{"event":"failed","reason":"port in use"}')).toEqual({ event: "failed", reason: "port in use" });
    expect(parseControllerStartupEvent("Segmentation fault")).toEqual({
      event: "failed", reason: "unexpected controller output: Segmentation fault",
    });
    expect(parseControllerStartupEvent('{"event":"started","pid":"5"}').event).toBe("failed");
  });
});

describe("admin API bodies", () => {
  it("should accept an apply request naming a config path and say what is wrong otherwise", () => {
    expect(parseAdminApplyRequest('{"configPath":"/a.yaml"}')).toEqual({ configPath: "/a.yaml" });
    expect(parseAdminApplyRequest("not json")).toEqual({ error: "body must be JSON {configPath}" });
    expect(parseAdminApplyRequest('{"configPath":3}')).toEqual({ error: "configPath must be a string" });
  });

  it("should read an apply answer as a summary or the controller's reason", () => {
    expect(parseAdminApplyResponse(200, '{"summary":{"created":["a"],"updated":[],"unchanged":["b"],"removed":[]}}')).toEqual({
      summary: { created: ["a"], updated: [], unchanged: ["b"], removed: [] },
    });
    expect(parseAdminApplyResponse(409, '{"error":"busy"}')).toEqual({ error: "busy" });
    expect(parseAdminApplyResponse(502, "Bad Gateway")).toEqual({ error: "Bad Gateway" });
  });
});

describe("controller state", () => {
  const state: ControllerState = {
    version: 1,
    controller: {
      pid: 10, startedAt: 1, host: "127.0.0.1", port: 8000, adminPort: 9000, adminToken: "t", configPath: "/a.yaml",
      configHash: "h", logFile: "/l", gracefulShutdownTimeoutMs: 0,
    },
    applications: [],
    updatedAt: 2,
  };

  it("should read back what it writes and treat a torn or foreign file as no state", () => {
    const text = formatControllerState(state);
    expect(parseControllerState(text)).toEqual(state);
    expect(parseControllerState(text.slice(0, text.length / 2))).toBeUndefined();
    expect(parseControllerState(JSON.stringify({ ...state, version: 2 }))).toBeUndefined();
    expect(parseControllerState(JSON.stringify({ ...state, controller: { pid: "10" } }))).toBeUndefined();
  });
});

describe("replica spec file", () => {
  it("should read back a thinking budget and refuse one that is not a count, naming the field", () => {
    const dir = mkdtempSync(join(tmpdir(), "llmserve-spec-"));
    try {
      const path = join(dir, "spec.json");
      const spec = sampleReplicaSpec({ reasoningParser: "qwen3", thinkingTokenBudget: 0 });
      writeReplicaSpecFile(path, spec);
      expect(readReplicaSpecFile(path)).toEqual(spec);
      writeFileSync(path, JSON.stringify({ ...spec, thinkingTokenBudget: -1 }));
      expect(() => readReplicaSpecFile(path)).toThrow(`${path} is not a replica spec: thinkingTokenBudget is invalid (-1)`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
