import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../helpers/cli.js";

/**
 * The layer order of src/, top to bottom: a module may import its own files and modules of lower layers, never a
 * module of its own layer or of a higher one. Files directly in src/ are the lowest layer (shared helpers), except
 * the public barrel index.ts, which is the top.
 */
const LAYERS: readonly (readonly string[])[] = [
  ["cli", "index.ts"],
  ["instance", "controller"],
  ["replica", "ray"],
  ["config", "gpu"],
  ["reasoning", "tools", "gguf"],
  ["process", "protocol"],
  ["errors", "text", "lease", "(src)"],
];

/** Imports that stay inside one module but still point the wrong way. */
const FORBIDDEN_INSIDE: readonly { from: string; to: string; why: string }[] = [
  { from: "replica/engine", to: "replica/http", why: "the engine throws domain errors; http maps them" },
];

const SRC = join(REPO_ROOT, "src");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

function moduleOf(path: string): string {
  const parts = relative(SRC, path).split("/");
  if (parts.length === 1) return parts[0] === "index.ts" ? "index.ts" : "(src)";
  return parts[0]!;
}

function layerOf(module: string): number {
  const layer = LAYERS.findIndex((names) => names.includes(module));
  if (layer < 0) throw new Error(`src/${module} has no place in LAYERS (test/unit/layering.test.ts): add it`);
  return layer;
}

function relativeImports(path: string): string[] {
  const text = readFileSync(path, "utf8");
  return [...text.matchAll(/(?:\bfrom\s+|\bimport\s*\(?\s*)"(\.{1,2}\/[^"]+)"/g)].map((match) => match[1]!);
}

function violations(): string[] {
  const found: string[] = [];
  for (const file of sourceFiles(SRC)) {
    const from = moduleOf(file);
    for (const specifier of relativeImports(file)) {
      const target = resolve(dirname(file), specifier);
      const to = moduleOf(target);
      const where = `${relative(REPO_ROOT, file)} imports ${specifier}`;
      if (to !== from && layerOf(to) <= layerOf(from)) found.push(`${where} (${from} may not import ${to})`);
      for (const rule of FORBIDDEN_INSIDE) {
        const fromPath = relative(SRC, file);
        const toPath = relative(SRC, target);
        if (fromPath.startsWith(`${rule.from}/`) && toPath.startsWith(`${rule.to}/`)) found.push(`${where} (${rule.why})`);
      }
    }
  }
  return found;
}

describe("the module layers of src/", () => {
  it("should have no import pointing up or sideways", () => {
    expect(violations()).toEqual([]);
  });

  it("should catch an upward import (the check itself works)", () => {
    expect(layerOf("replica")).toBeGreaterThan(layerOf("controller"));
    expect(layerOf("protocol")).toBeGreaterThan(layerOf("config"));
    expect(moduleOf(join(SRC, "replica", "engine", "x.ts"))).toBe("replica");
    expect(moduleOf(join(SRC, "llmserveHome.ts"))).toBe("(src)");
  });
});
