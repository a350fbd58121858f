import { createHash } from "node:crypto";
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resolveModelPath } from "../../../src/replica/download/resolveModelPath.js";
import { startFileServer, type FileServer } from "../../helpers/startFileServer.js";
import { startHubServer } from "../../helpers/startHubServer.js";

function fakeGguf(size: number): Buffer {
  const bytes = Buffer.alloc(size);
  bytes.write("GGUF", 0, "latin1");
  for (let i = 4; i < size; i++) bytes[i] = (i * 31) % 251;
  return bytes;
}

describe("resolveModelPath", () => {
  let modelsDir: string;
  let hubCache: { write: string; read: string[] };
  let server: FileServer | undefined;
  beforeEach(() => {
    modelsDir = mkdtempSync(join(tmpdir(), "llmserve-models-"));
    hubCache = { write: join(modelsDir, "hub"), read: [join(modelsDir, "hub")] };
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
      hubCache,
      hfEndpoint: `${server.url}/`,
      hfToken: undefined,
      onProgress: (p) => progress.push(p),
    });
    expect(readFileSync(path).equals(file)).toBe(true);
    expect(progress.at(-1)).toEqual({ downloadedBytes: file.length, totalBytes: file.length });
    expect(progress.every((p) => p.totalBytes === file.length)).toBe(true);
    // A second resolve uses the cache without any request.
    const before = server.requests.length;
    expect(await resolveModelPath("hf:acme/tiny-GGUF/tiny-Q4_K_M.gguf", { modelsDir, hubCache, hfEndpoint: `${server.url}/`, hfToken: undefined })).toBe(path);
    expect(server.requests.length).toBe(before);
  });

  it("should resume with a Range request after the server drops the connection mid-file", async () => {
    const file = fakeGguf(2_000_000);
    server = await startFileServer({ files: { "/m/model.gguf": file }, dropAfterBytes: 700_000, dropTimes: 2 });
    const path = await resolveModelPath(`${server.url}/m/model.gguf`, { modelsDir, hubCache, hfEndpoint: "https://huggingface.co/", hfToken: undefined });
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
      resolveModelPath("hf:org/repo/big.gguf", { modelsDir, hubCache, hfEndpoint: `${server.url}/`, hfToken: undefined }),
    ).rejects.toThrow(/closed after|terminated|socket|other side closed/i);
    const dir = join(modelsDir, "hf", "org", "repo");
    expect(readdirSync(dir).sort()).toEqual(["big.gguf.part"]);
    const partSize = statSync(join(dir, "big.gguf.part")).size;
    expect(partSize).toBeGreaterThan(0);
    await server.close();
    server = await startFileServer({ files });
    const resumed = await resolveModelPath("hf:org/repo/big.gguf", { modelsDir, hubCache, hfEndpoint: `${server.url}/`, hfToken: undefined });
    expect(readFileSync(resumed).equals(file)).toBe(true);
    expect(server.requests.find((r) => r.path.endsWith("/big.gguf"))?.range).toBe(`bytes=${partSize}-`);
    expect(readdirSync(dir).sort()).toEqual(["big.gguf"]);
  });

  it("should retry with HF_TOKEN after a 401, and say that the token is needed when there is none", async () => {
    const file = fakeGguf(50_000);
    server = await startFileServer({ files: { "/org/private/resolve/main/p.gguf": file }, token: "hf_secret_token" });
    const options = { modelsDir, hubCache, hfEndpoint: `${server.url}/` };
    await expect(resolveModelPath("hf:org/private/p.gguf", { ...options, hfToken: undefined })).rejects.toThrow(/401.*set HF_TOKEN/);
    const path = await resolveModelPath("hf:org/private/p.gguf", { ...options, hfToken: "hf_secret_token" });
    expect(readFileSync(path).equals(file)).toBe(true);
    const last = server.requests.slice(-2);
    expect(last.map((r) => r.authorized)).toEqual([false, true]);
  });

  it("should refuse a file that is not a GGUF and leave nothing behind", async () => {
    server = await startFileServer({ files: { "/x/fake.gguf": Buffer.from("<html>this is an error page</html>") } });
    await expect(
      resolveModelPath(`${server.url}/x/fake.gguf`, { modelsDir, hubCache, hfEndpoint: "https://huggingface.co/", hfToken: undefined }),
    ).rejects.toThrow(/not a GGUF/);
    const dir = join(modelsDir, "url");
    expect(readdirSync(dir).filter((name) => !name.endsWith(".lock"))).toEqual([]);
  });

  it("should fetch every part of a split GGUF for hf:owner/repo:QUANT into the hub cache, verified, with one progress figure", async () => {
    const parts = [fakeGguf(300_000), fakeGguf(200_000), fakeGguf(100_000)];
    const commit = "0123456789abcdef0123456789abcdef01234567";
    server = await startHubServer(
      {
        "acme/Big-GGUF": {
          commit,
          files: {
            "README.md": Buffer.from("# Big"),
            "Big-Q8_0.gguf": fakeGguf(1000),
            "Q4_K_M/Big-Q4_K_M-00001-of-00003.gguf": parts[0]!,
            "Q4_K_M/Big-Q4_K_M-00002-of-00003.gguf": parts[1]!,
            "Q4_K_M/Big-Q4_K_M-00003-of-00003.gguf": parts[2]!,
            "mmproj-Big-Q4_K_M.gguf": fakeGguf(1000),
          },
        },
      },
      // the second part's first response drops mid-file: resumed with a Range request
      { dropAfterBytes: 150_000, dropTimes: 1 },
    );
    const progress: { downloadedBytes: number; totalBytes: number | undefined }[] = [];
    const options = { modelsDir, hubCache, hfEndpoint: `${server.url}/`, hfToken: undefined, onProgress: (p: (typeof progress)[number]) => progress.push(p) };
    const path = await resolveModelPath("hf:acme/Big-GGUF:q4_k_m", options);
    const snapshot = join(hubCache.write, "models--acme--Big-GGUF", "snapshots", commit, "Q4_K_M");
    expect(path).toBe(join(snapshot, "Big-Q4_K_M-00001-of-00003.gguf"));
    parts.forEach((part, index) => expect(readFileSync(join(snapshot, `Big-Q4_K_M-0000${index + 1}-of-00003.gguf`)).equals(part)).toBe(true));
    // huggingface_hub's layout: snapshot entries link to blobs named by the sha256, refs/main holds the commit
    expect(readFileSync(join(hubCache.write, "models--acme--Big-GGUF", "refs", "main"), "utf8")).toBe(commit);
    expect(readdirSync(join(hubCache.write, "models--acme--Big-GGUF", "blobs")).filter((name) => !name.endsWith(".lock")).sort()).toEqual(
      parts.map((part) => createHash("sha256").update(part).digest("hex")).sort(),
    );
    expect(lstatSync(path).isSymbolicLink()).toBe(true);
    const total = 600_000;
    expect(progress.every((p) => p.totalBytes === total)).toBe(true);
    expect(progress.at(-1)).toEqual({ downloadedBytes: total, totalBytes: total });
    expect(progress.map((p) => p.downloadedBytes)).toEqual([...progress.map((p) => p.downloadedBytes)].sort((a, b) => a - b));
    // the dropped first part was asked for again (resumed with a Range request when bytes had reached the disk)
    expect(server.requests.filter((r) => r.path.endsWith("Big-Q4_K_M-00001-of-00003.gguf")).length).toBe(2);
    expect(server.requests.some((r) => r.path.includes("Q8_0") || r.path.includes("mmproj"))).toBe(false);
    // A second resolve is answered from the cache without any request.
    const before = server.requests.length;
    expect(await resolveModelPath("hf:acme/Big-GGUF:Q4_K_M", options)).toBe(path);
    expect(server.requests.length).toBe(before);
  });

  it("should refuse a file whose checksum is not the one the hub lists, and keep nothing of it", async () => {
    const commit = "89abcdef0123456789abcdef0123456789abcdef";
    const listed = fakeGguf(50_000);
    const served = Buffer.from(listed);
    served[40_000] = (served[40_000]! + 1) % 256;
    const json = (body: unknown) => (_req: unknown, res: import("node:http").ServerResponse) => {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
    };
    const sha256 = createHash("sha256").update(listed).digest("hex");
    server = await startFileServer({
      files: { [`/acme/Bad-GGUF/resolve/${commit}/bad-Q8_0.gguf`]: served },
      routes: {
        "/api/models/acme/Bad-GGUF/refs": json({ branches: [{ name: "main", targetCommit: commit }], tags: [] }),
        [`/api/models/acme/Bad-GGUF/tree/${commit}`]: json([{ type: "file", path: "bad-Q8_0.gguf", oid: "0".repeat(40), size: listed.length, lfs: { oid: sha256, size: listed.length } }]),
      },
    });
    await expect(
      resolveModelPath("hf:acme/Bad-GGUF:Q8_0", { modelsDir, hubCache, hfEndpoint: `${server.url}/`, hfToken: undefined }),
    ).rejects.toThrow(new RegExp(`checksum [0-9a-f]{64} is not the hub's ${sha256}`));
    const blobs = join(hubCache.write, "models--acme--Bad-GGUF", "blobs");
    expect(readdirSync(blobs).filter((name) => !name.endsWith(".lock"))).toEqual([]);
    expect(existsSync(join(hubCache.write, "models--acme--Bad-GGUF", "snapshots"))).toBe(false);
  });

  it("should use a model already in the Hugging Face cache without any request to the hub", async () => {
    const commit = "fedcba9876543210fedcba9876543210fedcba98";
    const file = fakeGguf(10_000);
    const repoDir = join(hubCache.read[0]!, "models--acme--Cached-GGUF");
    const blob = join(repoDir, "blobs", createHash("sha256").update(file).digest("hex"));
    mkdirSync(dirname(blob), { recursive: true });
    writeFileSync(blob, file);
    mkdirSync(join(repoDir, "snapshots", commit), { recursive: true });
    symlinkSync(join("..", "..", "blobs", basename(blob)), join(repoDir, "snapshots", commit, "cached-Q4_K_M.gguf"));
    mkdirSync(join(repoDir, "refs"), { recursive: true });
    writeFileSync(join(repoDir, "refs", "main"), commit);
    server = await startHubServer({});
    const options = { modelsDir, hubCache, hfEndpoint: `${server.url}/`, hfToken: undefined };
    expect(await resolveModelPath("hf:acme/Cached-GGUF:Q4_K_M", options)).toBe(join(repoDir, "snapshots", commit, "cached-Q4_K_M.gguf"));
    expect(await resolveModelPath("hf:acme/Cached-GGUF/cached-Q4_K_M.gguf", options)).toBe(join(repoDir, "snapshots", commit, "cached-Q4_K_M.gguf"));
    expect(server.requests).toEqual([]);
  });

  it("should say what it was doing, where and why when the hub cannot be reached (not fetch's bare 'fetch failed')", async () => {
    const { freePort } = await import("../../helpers/freePort.js");
    const closed = await freePort();
    await expect(
      resolveModelPath("hf:acme/Small-GGUF:Q8_0", { modelsDir, hubCache, hfEndpoint: `http://127.0.0.1:${closed}/`, hfToken: undefined }),
    ).rejects.toThrow(`cannot resolve hf:acme/Small-GGUF:Q8_0: cannot reach 127.0.0.1:${closed} (ECONNREFUSED)`);
    await expect(
      resolveModelPath(`http://127.0.0.1:${closed}/m/model.gguf?sig=secret`, { modelsDir, hubCache, hfEndpoint: "https://huggingface.co/", hfToken: undefined }),
    ).rejects.toThrow(new RegExp(`^cannot download http://127\\.0\\.0\\.1:${closed}/m/model\\.gguf: cannot reach 127\\.0\\.0\\.1:${closed} \\(ECONNREFUSED\\)$`));
  });
});
