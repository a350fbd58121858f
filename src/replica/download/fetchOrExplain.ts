import { DownloadError } from "./DownloadError.js";

/**
 * `fetch`, except that a network failure (whose message is only "fetch failed") becomes a DownloadError that says
 * what was being done, the host and the cause, e.g. "cannot resolve hf:o/r:Q8_0: cannot reach 127.0.0.1:1
 * (ECONNREFUSED)". The URL's path and query are left out: signed CDN URLs carry credentials.
 */
export async function fetchOrExplain(url: string, init: RequestInit, what: string): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    if (init.signal?.aborted === true) throw error;
    throw new DownloadError(`cannot ${what}: cannot reach ${new URL(url).host} (${networkCause(error)})`);
  }
}

function networkCause(error: unknown): string {
  const cause = error instanceof Error ? (error.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  if (typeof cause?.code === "string") return cause.code;
  if (typeof cause?.message === "string") return cause.message;
  return error instanceof Error ? error.message : String(error);
}
