import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Diagnostic } from "../../../src/config/Diagnostic.js";
import { loadConfigFile } from "../../../src/config/loadConfigFile.js";
import { createTempHome, REPO_ROOT } from "../../helpers/cli.js";
import { seededRandom } from "../../models/seededRandom.js";
import { mutateBytes, mutateStructure } from "./fuzzLoadConfigFile.js";

// Mutated valid configs must always come back as diagnostics (or a config), never as an exception, and every
// diagnostic must be well formed. Seeded, so a failure names the case that reproduces it.
const CASES_PER_EXAMPLE = 120;
const temp = createTempHome("llmserve-fuzz-");
afterAll(() => temp.remove());

const examples = readdirSync(join(REPO_ROOT, "examples"))
  .filter((f) => f.endsWith(".yaml"))
  .map((f) => ({ name: f, text: readFileSync(join(REPO_ROOT, "examples", f), "utf8") }));

function checkDiagnostic(d: Diagnostic, label: string): void {
  const where = `${label}: ${JSON.stringify(d)}`;
  expect(typeof d.file, where).toBe("string");
  expect(Number.isInteger(d.line) && d.line >= 1, where).toBe(true);
  expect(Number.isInteger(d.column) && d.column >= 1, where).toBe(true);
  expect(["error", "warning"], where).toContain(d.severity);
  expect(typeof d.path, where).toBe("string");
  expect(d.message.length, where).toBeGreaterThan(0);
  expect(d.message, where).not.toMatch(/\[object Object\]|undefined|must NOT|\n/);
}

describe("loadConfigFile under fuzzing", () => {
  for (const [exampleIndex, example] of examples.entries()) {
    it(`should never throw on ${CASES_PER_EXAMPLE} mutations of ${example.name}`, async () => {
      const random = seededRandom(1000 + exampleIndex);
      let invalid = 0;
      for (let i = 0; i < CASES_PER_EXAMPLE; i++) {
        const content = i % 2 === 0 ? mutateStructure(example.text, random) : mutateBytes(example.text, random);
        // Written next to the examples' own directory layout so relative llm_config paths still resolve.
        const path = join(temp.path, `${example.name}-${i}.yaml`);
        writeFileSync(path, content);
        const label = `${example.name} case ${i}`;
        const result = await loadConfigFile(path);
        for (const d of result.diagnostics) checkDiagnostic(d, label);
        const hasError = result.diagnostics.some((d) => d.severity === "error");
        expect(result.config === undefined, label).toBe(hasError);
        if (hasError) invalid += 1;
      }
      // The mutations must actually break things, or this test proves nothing.
      expect(invalid).toBeGreaterThan(CASES_PER_EXAMPLE / 4);
    });
  }
});
