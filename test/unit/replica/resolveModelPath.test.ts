import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resolveModelPath } from "../../../src/replica/download/resolveModelPath.js";
import { startFileServer, type FileServer } from "../../helpers/startFileServer.js";

function fakeGguf(size: number): Buffer {
  const bytes = Buffer.alloc(size);
  bytes.write("GGUF", 0, "latin1");
  for (let i = 4; i < size; i++) bytes[i] = (i * 31) % 251;
  return bytes;
}

describe("resolveModelPath", () => {
  let modelsDir: string;
  let server: FileServer | undefined;
  beforeEach(() => {
    modelsDir = mkdtempSync(join(tmpdir(), "llmserve-models-"));
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    rmSync(modelsDir, { recursive: true, force: true });
  });

  it("should download hf:owner/repo/file.gguf from HF_ENDPOINT with progress up to the total", async () => {
    const file = fakeGguf(300_000);
    server = await startFileServer({ files: { "/acme/tiny-GGUF/resolve/main/tiny-Q4_K_M.gguf": file } });
    const progress: { downloadedBytes: number; totalBytes: number | undefined }[] = [];
    const path = await resolveModelPath("hf:acme/tiny-GGUF/tiny-Q4_K_M.gguf", {
      modelsDir,
      hfEndpoint: `${server.url}/`,
      hfToken: undefined,
      onProgress: (p) => progress.push(p),
    });
    expect(readFileSync(path).equals(file)).toBe(true);
    expect(progress.at(-1)).toEqual({ downloadedBytes: file.length, totalBytes: file.length });
    expect(progress.every((p) => p.totalBytes === file.length)).toBe(true);
    // A second resolve uses the cache without any request.
    const before = server.requests.length;
    expect(await resolveModelPath("hf:acme/tiny-GGUF/tiny-Q4_K_M.gguf", { modelsDir, hfEndpoint: `${server.url}/`, hfToken: undefined })).toBe(path);
    expect(server.requests.length).toBe(before);
  });

  it("should resume with a Range request after the server drops the connection mid-file", async () => {
    const file = fakeGguf(2_000_000);
    server = await startFileServer({ files: { "/m/model.gguf": file }, dropAfterBytes: 700_000, dropTimes: 2 });
    const path = await resolveModelPath(`${server.url}/m/model.gguf`, { modelsDir, hfEndpoint: "https://huggingface.co/", hfToken: undefined });
    expect(readFileSync(path).equals(file)).toBe(true);
    const ranges = server.requests.map((r) => r.range);
    expect(ranges[0]).toBeUndefined();
    expect(ranges.slice(1).every((r) => r !== undefined && /^bytes=\d+-$/.test(r))).toBe(true);
    expect(ranges.length).toBe(3);
  });

  it("should continue a .part file left by an earlier process, never leaving a complete-looking half file", async () => {
    const file = fakeGguf(1_000_000);
    const files = { "/org/repo/resolve/main/big.gguf": file };
    server = await startFileServer({ files, dropAfterBytes: 100_000, dropTimes: 100 });
    await expect(
      resolveModelPath("hf:org/repo/big.gguf", { modelsDir, hfEndpoint: `${server.url}/`, hfToken: undefined }),
    ).rejects.toThrow(/closed after|terminated|socket|other side closed/i);
    const dir = join(modelsDir, "hf", "org", "repo");
    expect(readdirSync(dir).sort()).toEqual(["big.gguf.part"]);
    const partSize = statSync(join(dir, "big.gguf.part")).size;
    expect(partSize).toBeGreaterThan(0);
    await server.close();
    server = await startFileServer({ files });
    const resumed = await resolveModelPath("hf:org/repo/big.gguf", { modelsDir, hfEndpoint: `${server.url}/`, hfToken: undefined });
    expect(readFileSync(resumed).equals(file)).toBe(true);
    expect(server.requests[0]?.range).toBe(`bytes=${partSize}-`);
    expect(readdirSync(dir).sort()).toEqual(["big.gguf"]);
  });

  it("should retry with HF_TOKEN after a 401, and say that the token is needed when there is none", async () => {
    const file = fakeGguf(50_000);
    server = await startFileServer({ files: { "/org/private/resolve/main/p.gguf": file }, token: "hf_secret_token" });
    const options = { modelsDir, hfEndpoint: `${server.url}/` };
    await expect(resolveModelPath("hf:org/private/p.gguf", { ...options, hfToken: undefined })).rejects.toThrow(/401.*set HF_TOKEN/);
    const path = await resolveModelPath("hf:org/private/p.gguf", { ...options, hfToken: "hf_secret_token" });
    expect(readFileSync(path).equals(file)).toBe(true);
    const last = server.requests.slice(-2);
    expect(last.map((r) => r.authorized)).toEqual([false, true]);
  });

  it("should refuse a file that is not a GGUF and leave nothing behind", async () => {
    server = await startFileServer({ files: { "/x/fake.gguf": Buffer.from("<html>this is an error page</html>") } });
    await expect(
      resolveModelPath(`${server.url}/x/fake.gguf`, { modelsDir, hfEndpoint: "https://huggingface.co/", hfToken: undefined }),
    ).rejects.toThrow(/not a GGUF/);
    const dir = join(modelsDir, "url");
    expect(readdirSync(dir).filter((name) => !name.endsWith(".lock"))).toEqual([]);
  });

  it("should resolve hf:owner/repo:QUANT through the manifest API and cache the answer", async () => {
    const file = fakeGguf(20_000);
    server = await startFileServer({
      files: { "/acme/Small-GGUF/resolve/main/small-Q8_0.gguf": file },
      routes: {
        "/v2/acme/Small-GGUF/manifests/Q8_0": (_req, res) => {
          res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ggufFile: { rfilename: "small-Q8_0.gguf" } }));
        },
      },
    });
    const options = { modelsDir, hfEndpoint: `${server.url}/`, hfToken: undefined };
    const path = await resolveModelPath("hf:acme/Small-GGUF:Q8_0", options);
    expect(path.endsWith("small-Q8_0.gguf")).toBe(true);
    expect(readFileSync(path).equals(file)).toBe(true);
    const before = server.requests.length;
    await resolveModelPath("hf:acme/Small-GGUF:Q8_0", options);
    expect(server.requests.length).toBe(before);
    expect(existsSync(path)).toBe(true);
  });
  it("should say what it was doing, where and why when the hub cannot be reached (not fetch's bare 'fetch failed')", async () => {
    const { freePort } = await import("../../helpers/freePort.js");
    const closed = await freePort();
    await expect(
      resolveModelPath("hf:acme/Small-GGUF:Q8_0", { modelsDir, hfEndpoint: `http://127.0.0.1:${closed}/`, hfToken: undefined }),
    ).rejects.toThrow(`cannot resolve hf:acme/Small-GGUF:Q8_0: cannot reach 127.0.0.1:${closed} (ECONNREFUSED)`);
    await expect(
      resolveModelPath(`http://127.0.0.1:${closed}/m/model.gguf?sig=secret`, { modelsDir, hfEndpoint: "https://huggingface.co/", hfToken: undefined }),
    ).rejects.toThrow(new RegExp(`^cannot download http://127\\.0\\.0\\.1:${closed}/m/model\\.gguf: cannot reach 127\\.0\\.0\\.1:${closed} \\(ECONNREFUSED\\)$`));
  });
});
