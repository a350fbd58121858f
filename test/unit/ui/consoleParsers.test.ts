import { describe, expect, it } from "vitest";

// The console's pure helpers are plain browser modules (ui/*.js, no build step); node imports them as they are.
interface LogsModule {
  parseAccessLine: (line: string) => { model: string; status: string } | undefined;
  statusMatches: (filter: string, status: string) => boolean;
}
interface StatusModule {
  sumMetric: (text: string, name: string) => number | undefined;
}
const logs = (await import("../../../ui/logs.js" as string)) as LogsModule;
const status = (await import("../../../ui/status.js" as string)) as StatusModule;

describe("console access-log filter", () => {
  it("should read model and status from the controller's TEXT and JSON access lines", () => {
    expect(logs.parseAccessLine(
      '2026-12-07T20:00:00.000Z INFO access 1f2e 127.0.0.1 "POST /v1/chat/completions" 200 model=qwen prompt=5 completion=7 reasoning=0 queue_ms=0 ttft_ms=12 total_ms=80',
    )).toEqual({ model: "qwen", status: "200" });
    expect(logs.parseAccessLine(JSON.stringify({
      time: "t", level: "INFO", logger: "access", message: "", request_id: "x", method: "POST",
      route: "/v1/chat/completions", model: "qwen", status: 503,
    }))).toEqual({ model: "qwen", status: "503" });
    expect(logs.parseAccessLine("2026-12-07T20:00:00.000Z controller pid 12 starting with app.yaml")).toBeUndefined();
    expect(logs.parseAccessLine('{"time":"t","level":"INFO","logger":"controller","message":"applied"}')).toBeUndefined();
  });

  it("should match statuses as people type them", () => {
    expect(logs.statusMatches("", "404")).toBe(true);
    expect(logs.statusMatches("5xx", "503")).toBe(true);
    expect(logs.statusMatches("5xx", "200")).toBe(false);
    expect(logs.statusMatches("200", "200")).toBe(true);
    expect(logs.statusMatches(" 4 ", "429")).toBe(true);
  });
});

describe("console metrics reader", () => {
  it("should sum one family across its labelled series and ignore families that share its prefix", () => {
    const text = [
      "# HELP vllm:generation_tokens_total Number of generation tokens processed.",
      "# TYPE vllm:generation_tokens_total counter",
      'vllm:generation_tokens_total{model_name="a"} 10',
      'vllm:generation_tokens_total{model_name="b"} 32',
      "vllm:generation_tokens_total_created 1700000000",
    ].join("\n");
    expect(status.sumMetric(text, "vllm:generation_tokens_total")).toBe(42);
    expect(status.sumMetric(text, "vllm:prompt_tokens_total")).toBeUndefined();
  });
});
