import { createWriteStream } from "node:fs";
import { mkdir, open, rename, rm, stat, truncate } from "node:fs/promises";
import { dirname } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { fetchOrExplain } from "./fetchOrExplain.js";
import { DownloadError } from "./DownloadError.js";

export interface DownloadProgress {
  readonly downloadedBytes: number;
  readonly totalBytes: number | undefined;
}

export interface DownloadFileOptions {
  /** Token tried (as `Authorization: Bearer`) after the server refuses an anonymous request. Never logged. */
  readonly token?: string | undefined;
  /** Whether `token` may be sent to this URL's host (only the Hugging Face endpoint's). */
  readonly tokenAllowed?: boolean;
  readonly onProgress?: (progress: DownloadProgress) => void;
  readonly signal?: AbortSignal | undefined;
  readonly log?: (line: string) => void;
  /** Attempts after a dropped connection (each resumes where the file stopped). Defaults to 5. */
  readonly retries?: number;
  /** Checks the first bytes before the file is accepted (e.g. the GGUF magic); throws to refuse. */
  readonly validateHead?: (head: Buffer) => void;
  /** Checks the whole file before it is accepted (size, checksum); throws to refuse. */
  readonly validateFile?: (path: string) => Promise<void>;
  /** Suffix of the partial file next to `dest`. Defaults to `.part` (the Hugging Face cache uses `.incomplete`). */
  readonly partSuffix?: string;
}

const PROGRESS_INTERVAL_MS = 250;

/**
 * Downloads `url` to `dest`, resumably: bytes go to `dest.part` (continued with a Range request after an
 * interruption, in this process or a later one) and the file is renamed to `dest` only once it is complete and
 * validated, so a file at `dest` is always whole. A dropped connection is retried with backoff.
 */
export async function downloadFile(url: string, dest: string, options: DownloadFileOptions = {}): Promise<void> {
  if (await exists(dest)) return;
  await mkdir(dirname(dest), { recursive: true });
  const partPath = `${dest}${options.partSuffix ?? ".part"}`;
  const retries = options.retries ?? 5;
  for (let attempt = 0; ; attempt++) {
    try {
      const complete = await downloadOnce(url, partPath, options);
      if (complete) break;
    } catch (error) {
      if (error instanceof DownloadError || options.signal?.aborted === true || attempt >= retries) throw error;
      options.log?.(`download interrupted (${error instanceof Error ? error.message : String(error)}); resuming, attempt ${attempt + 2}`);
      await sleep(Math.min(200 * 2 ** attempt, 5_000), undefined, { signal: options.signal });
    }
  }
  if (options.validateHead !== undefined || options.validateFile !== undefined) {
    try {
      options.validateHead?.(await readHead(partPath, 16));
      await options.validateFile?.(partPath);
    } catch (error) {
      await rm(partPath, { force: true });
      throw new DownloadError(`downloaded ${url} but ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  await rename(partPath, dest);
}

/** One request; returns true when the part file is complete, throws on an interruption (retryable) or a refusal. */
async function downloadOnce(url: string, partPath: string, options: DownloadFileOptions): Promise<boolean> {
  const offset = (await sizeOf(partPath)) ?? 0;
  let response = await get(url, offset, undefined, options.signal);
  if ((response.status === 401 || response.status === 403) && options.token !== undefined && options.tokenAllowed === true) {
    await response.body?.cancel();
    response = await get(url, offset, options.token, options.signal);
  }
  if (response.status === 416 && offset > 0) {
    const total = Number(/\/(\d+)$/.exec(response.headers.get("content-range") ?? "")?.[1]);
    await response.body?.cancel();
    if (total === offset) return true;
    await truncate(partPath, 0);
    throw new Error("the server refused to resume the partial file; starting over");
  }
  if (response.status === 401 || response.status === 403) {
    await response.body?.cancel();
    throw new DownloadError(
      options.token === undefined
        ? `${redact(url)} answered ${response.status}: the model needs authentication; set HF_TOKEN in runtime_env.env_vars or the environment`
        : `${redact(url)} answered ${response.status} even with the token from HF_TOKEN: check that the token can read this repository`,
    );
  }
  if (response.status === 404) {
    await response.body?.cancel();
    throw new DownloadError(`${redact(url)} was not found (404): check the repository and file name`);
  }
  if (response.status !== 200 && response.status !== 206) {
    await response.body?.cancel();
    const message = `${redact(url)} answered ${response.status} ${response.statusText}`;
    if (response.status >= 500 || response.status === 429) throw new Error(message);
    throw new DownloadError(message);
  }
  const resumed = response.status === 206;
  if (resumed) {
    const start = Number(/bytes (\d+)-/.exec(response.headers.get("content-range") ?? "")?.[1]);
    if (start !== offset) {
      await response.body?.cancel();
      await truncate(partPath, 0);
      throw new Error(`the server resumed at byte ${start} instead of ${offset}; starting over`);
    }
  }
  const length = Number(response.headers.get("content-length"));
  const base = resumed ? offset : 0;
  const totalBytes = Number.isFinite(length) && response.headers.has("content-length") ? base + length : undefined;
  if (response.body === null) throw new Error("the response has no body");

  let downloaded = base;
  let lastReport = 0;
  const report = (force: boolean): void => {
    const now = Date.now();
    if (!force && now - lastReport < PROGRESS_INTERVAL_MS) return;
    lastReport = now;
    options.onProgress?.({ downloadedBytes: downloaded, totalBytes });
  };
  report(true);
  const body = Readable.fromWeb(response.body as import("node:stream/web").ReadableStream<Uint8Array>);
  body.on("data", (chunk: Buffer) => {
    downloaded += chunk.length;
    report(false);
  });
  await pipeline(body, createWriteStream(partPath, { flags: resumed ? "a" : "w" }), { signal: options.signal });
  report(true);
  if (totalBytes !== undefined && downloaded < totalBytes) {
    throw new Error(`the connection closed after ${downloaded} of ${totalBytes} bytes`);
  }
  return true;
}

function get(url: string, offset: number, token: string | undefined, signal: AbortSignal | undefined): Promise<Response> {
  const headers: Record<string, string> = { "user-agent": "llmserve" };
  if (offset > 0) headers["range"] = `bytes=${offset}-`;
  if (token !== undefined) headers["authorization"] = `Bearer ${token}`;
  return fetchOrExplain(url, { headers, redirect: "follow", ...(signal !== undefined ? { signal } : {}) }, `download ${redact(url)}`);
}

/** The URL without its query string (signed CDN URLs carry credentials there). */
function redact(url: string): string {
  return url.split("?", 1)[0] ?? url;
}

async function exists(path: string): Promise<boolean> {
  return (await sizeOf(path)) !== undefined;
}

async function sizeOf(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).size;
  } catch {
    return undefined;
  }
}

async function readHead(path: string, length: number): Promise<Buffer> {
  const handle = await open(path, "r");
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
