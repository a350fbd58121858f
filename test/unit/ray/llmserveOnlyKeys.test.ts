import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LLMSERVE_ONLY_KEYS } from "../../../src/ray/llmserveOnlyKeys.js";
import { REPO_ROOT } from "../../helpers/cli.js";

/** Where each schema definition sits in a config file, as LLMSERVE_ONLY_KEYS names it. */
const SCOPE_OF_DEFINITION: Record<string, keyof typeof LLMSERVE_ONLY_KEYS> = {
  HttpOptions: "httpOptions",
  Application: "application",
  LlmConfig: "llmConfig",
  ModelLoadingConfig: "modelLoadingConfig",
  EngineKwargs: "engineKwargs",
};

describe("LLMSERVE_ONLY_KEYS", () => {
  it("should drop every key the schema marks as an llmserve extension", () => {
    const schema = JSON.parse(readFileSync(join(REPO_ROOT, "schemas", "llmserve.schema.json"), "utf8")) as {
      properties?: Record<string, { "x-llmserve-extension"?: boolean }>;
      $defs?: Record<string, { properties?: Record<string, { "x-llmserve-extension"?: boolean }> }>;
    };
    const marked: Array<[string, string]> = [];
    for (const [key, property] of Object.entries(schema.properties ?? {})) {
      if (property["x-llmserve-extension"] === true) marked.push(["root", key]);
    }
    for (const [definition, node] of Object.entries(schema.$defs ?? {})) {
      for (const [key, property] of Object.entries(node.properties ?? {})) {
        if (property["x-llmserve-extension"] !== true) continue;
        const scope = SCOPE_OF_DEFINITION[definition];
        expect(scope, `translateForRay does not know where ${definition}.${key} sits in a config`).toBeDefined();
        marked.push([scope as string, key]);
      }
    }
    expect(marked.length).toBeGreaterThan(0);
    for (const [scope, key] of marked) {
      expect(LLMSERVE_ONLY_KEYS[scope as keyof typeof LLMSERVE_ONLY_KEYS], `${scope}.${key}`).toContain(key);
    }
  });
});
