import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../helpers/cli.js";

describe("docs/config-reference.md", () => {
  it("should be what `npm run docs:config` generates from the schema", async () => {
    const result = await execa(process.execPath, ["scripts/generateConfigReference.mjs", "--check"], { cwd: REPO_ROOT, reject: false });
    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(0);
  });
});
