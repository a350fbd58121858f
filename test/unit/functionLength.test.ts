import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../helpers/cli.js";

/** The daemon's functions stay small enough to read in one screen or two; longer ones say why here. */
const MAX_LINES = 125;
const LONGER_ON_PURPOSE: Readonly<Record<string, string>> = {
  "src/controller/metrics/controllerMetrics.ts createControllerMetrics":
    "a flat list of series declarations sharing one registry, in the order of the exposition, plus one observe()",
};

interface FunctionSize {
  where: string;
  lines: number;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

function nameOf(node: ts.FunctionLikeDeclaration): string {
  if (node.name !== undefined) return node.name.getText();
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent)) return parent.name.getText();
  return "<anonymous>";
}

function functionSizes(file: string): FunctionSize[] {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  const sizes: FunctionSize[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && "body" in node && node.body !== undefined) {
      const first = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const last = source.getLineAndCharacterOfPosition(node.end).line;
      sizes.push({ where: `${relative(REPO_ROOT, file)} ${nameOf(node as ts.FunctionLikeDeclaration)}`, lines: last - first + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return sizes;
}

describe("function length in src/controller", () => {
  const sizes = sourceFiles(join(REPO_ROOT, "src", "controller")).flatMap(functionSizes);

  it(`should have no function over ${MAX_LINES} lines without a reason listed here`, () => {
    const long = sizes.filter((size) => size.lines > MAX_LINES && LONGER_ON_PURPOSE[size.where] === undefined);
    expect(long.map((size) => `${size.where}: ${size.lines} lines`)).toEqual([]);
  });

  it("should measure functions of every kind (the check itself works)", () => {
    const names = new Set(sizes.map((size) => size.where));
    expect(names).toContain("src/controller/controllerServer.ts createApiServer");
    expect(names).toContain("src/controller/api/handleApiRequest.ts handleApiRequest");
    expect([...names].some((name) => name.startsWith("src/controller/supervisor.ts superviseReplica"))).toBe(true);
    for (const where of Object.keys(LONGER_ON_PURPOSE)) {
      const size = sizes.find((entry) => entry.where === where);
      expect(size, `${where} is gone: drop it from the list`).toBeDefined();
      expect(size!.lines, `${where} is short now: drop it from the list`).toBeGreaterThan(MAX_LINES);
    }
  });
});
