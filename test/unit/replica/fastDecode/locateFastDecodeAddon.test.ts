import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { locateFastDecodeAddon } from "../../../../src/replica/engine/fastDecode/locateFastDecodeAddon.js";
import { loadFastDecodeAddon } from "../../../../src/replica/engine/fastDecode/loadFastDecodeAddon.js";

describe("locateFastDecodeAddon (the addon on a replica's first start)", () => {
  const dirs: string[] = [];
  const tempDir = (): string => {
    const dir = mkdtempSync(join(tmpdir(), "llmserve-addon-"));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("should warn that the stock loop runs and say how to fix it when there is no C++ compiler", async () => {
    const location = await locateFastDecodeAddon({
      home: tempDir(),
      packageBuildDir: tempDir(),
      env: { ...process.env, CXX: "/nonexistent/c++" },
    });
    expect(location.ok).toBe(false);
    if (location.ok) return;
    expect(location.warning).toMatch(/no C\+\+ compiler \(\/nonexistent\/c\+\+ cannot be run\)/);
    expect(location.warning).toMatch(/stock decode loop runs/);
    expect(location.warning).toMatch(/apt-get install g\+\+ git/);
  });

  it("should build it once into $LLMSERVE_HOME/native when replicas start together, then reuse it", async () => {
    const home = tempDir();
    const bin = tempDir();
    const compilations = join(bin, "compilations");
    writeFileSync(compilations, "");
    // A compiler wrapper that counts real compilations (not the `--version` probes).
    const wrapper = join(bin, "c++");
    writeFileSync(wrapper, `#!/bin/sh\ncase " $* " in *" -shared "*) echo x >> ${compilations};; esac\nexec c++ "$@"\n`);
    chmodSync(wrapper, 0o755);
    const env = { ...process.env, CXX: wrapper };
    const building: string[] = [];
    const start = (name: string) =>
      locateFastDecodeAddon({ home, packageBuildDir: tempDir(), env, onBuilding: () => building.push(name) });

    const [first, second] = await Promise.all([start("a"), start("b")]);
    expect(readFileSync(compilations, "utf8").trim().split("\n")).toHaveLength(1);
    expect(building).toHaveLength(1);
    expect(first.ok && second.ok).toBe(true);
    if (!first.ok || !second.ok) return;
    expect(first.dir).toBe(second.dir);
    expect(first.dir.startsWith(join(home, "native", "fastDecode-"))).toBe(true);
    expect([first.origin, second.origin].sort()).toEqual(["built", "cache"]);
    const load = loadFastDecodeAddon(first.dir);
    expect(load.ok).toBe(true);
    if (load.ok) expect(typeof load.addon.attachThreadpool).toBe("function");

    const again = await start("c");
    expect(again).toEqual({ ok: true, dir: first.dir, origin: "cache" });
    expect(readFileSync(compilations, "utf8").trim().split("\n")).toHaveLength(1);
  }, 180_000);
});
