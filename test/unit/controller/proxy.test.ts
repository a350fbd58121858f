import { once } from "node:events";
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Agent } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { ReplicaUnreachableError } from "../../../src/controller/errors/ReplicaUnreachableError.js";
import { proxyToReplica } from "../../../src/controller/proxy.js";
import { waitFor } from "../../helpers/waitFor.js";

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const servers: Server[] = [];
const dispatcher = new Agent({ connections: 16 });

async function listen(handler: Handler): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A front that proxies everything to `upstream` as the controller does; `outcomes` gets how each proxying ended. */
async function front(upstream: string, headersTimeoutMs?: number): Promise<{ url: string; outcomes: unknown[] }> {
  const outcomes: unknown[] = [];
  const url = await listen((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      proxyToReplica({ req, res, body: Buffer.concat(chunks), baseUrl: upstream, path: req.url ?? "/", dispatcher, headersTimeoutMs })
        .then(() => outcomes.push("done"), (error: unknown) => {
          outcomes.push(error);
          res.writeHead(502).end();
        });
    });
  });
  return { url, outcomes };
}

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

describe("proxyToReplica", () => {
  it("should forward method, path, query, body and end-to-end headers, and answer with the replica's status, headers and body", async () => {
    let seen: { method?: string; url?: string; headers?: IncomingMessage["headers"]; body?: string } = {};
    const upstream = await listen((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        seen = { method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString() };
        const text = JSON.stringify({ error: { message: "nope" } });
        res.writeHead(404, { "content-type": "application/json", "content-length": Buffer.byteLength(text), "x-request-id": "r-1" });
        res.end(text);
      });
    });
    const { url, outcomes } = await front(upstream);
    // node:http, not fetch: fetch refuses to send hop-by-hop headers such as keep-alive.
    const client = httpRequest(`${url}/v1/completions?x=1`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer k", "keep-alive": "timeout=5", "proxy-connection": "x" },
    });
    client.end('{"model":"m"}');
    const [response] = (await once(client, "response")) as [IncomingMessage];
    const chunks: Buffer[] = [];
    for await (const chunk of response) chunks.push(chunk as Buffer);
    expect(response.statusCode).toBe(404);
    expect(response.headers["x-request-id"]).toBe("r-1");
    expect(response.headers["content-length"]).toBe(String('{"error":{"message":"nope"}}'.length));
    expect(JSON.parse(Buffer.concat(chunks).toString())).toEqual({ error: { message: "nope" } });
    expect(seen).toMatchObject({ method: "POST", url: "/v1/completions?x=1", body: '{"model":"m"}' });
    expect(seen.headers).toMatchObject({ "content-type": "application/json", authorization: "Bearer k", "content-length": "13" });
    expect(seen.headers?.["keep-alive"]).toBeUndefined();
    expect(seen.headers?.["proxy-connection"]).toBeUndefined();
    expect(outcomes).toEqual(["done"]);
  });

  it("should pass each chunk of a stream on as soon as the replica writes it", async () => {
    let next: (() => void) | undefined;
    const upstream = await listen(async (_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      for (let i = 0; i < 3; i++) {
        res.write(`data: ${i}\n\n`);
        // The next chunk only once the client has seen this one: a buffering proxy would hang here.
        await new Promise<void>((resolve) => (next = resolve));
      }
      res.end("data: [DONE]\n\n");
    });
    const { url } = await front(upstream);
    const response = await fetch(`${url}/v1/completions`, { method: "POST", body: "{}" });
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const decoder = new TextDecoder();
    let text = "";
    for await (const chunk of response.body!) {
      text += decoder.decode(chunk as Uint8Array);
      next?.();
    }
    expect(text).toBe("data: 0\n\ndata: 1\n\ndata: 2\n\ndata: [DONE]\n\n");
  });

  it("should pass on at once a stream's head that the replica sent before its first chunk", async () => {
    const upstream = await listen((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.flushHeaders();
      setTimeout(() => res.end("data: [DONE]\n\n"), 1_500);
    });
    const { url } = await front(upstream);
    const started = Date.now();
    const response = await fetch(`${url}/v1/completions`, { method: "POST", body: "{}" });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await response.text()).toBe("data: [DONE]\n\n");
  });

  it("should abort the replica's request when the client goes away mid-stream", async () => {
    let upstreamClosed = false;
    const upstream = await listen((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write("data: first\n\n");
      res.on("close", () => (upstreamClosed = true));
    });
    const { url, outcomes } = await front(upstream);
    const abort = new AbortController();
    const response = await fetch(`${url}/v1/completions`, { method: "POST", body: "{}", signal: abort.signal });
    const reader = response.body!.getReader();
    await reader.read();
    abort.abort();
    await waitFor("the replica request closed", () => upstreamClosed && outcomes.length === 1, 5_000, 10);
    expect(outcomes).toEqual(["done"]);
  });

  it("should stop reading from the replica while the client does not read (no unbounded buffering)", async () => {
    let written = 0;
    let blockedAt: number | undefined;
    const chunk = Buffer.alloc(1 << 20, 97);
    const upstream = await listen((_req, res) => {
      res.writeHead(200, { "content-type": "application/octet-stream" });
      const pump = (): void => {
        while (written < 256 << 20) {
          written += chunk.length;
          if (!res.write(chunk)) {
            blockedAt ??= written;
            res.once("drain", pump);
            return;
          }
        }
        res.end();
      };
      pump();
    });
    const { url } = await front(upstream);
    const client = httpRequest(`${url}/stream`, { method: "POST" });
    client.end();
    const [response] = (await once(client, "response")) as [IncomingMessage];
    response.pause();
    await waitFor("backpressure on the replica", () => blockedAt !== undefined, 5_000, 10);
    // Give a proxy that ignores backpressure the time to read far beyond the socket buffers.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(written).toBeLessThan(64 << 20);
    response.destroy();
  });

  it("should cut the client's connection when the replica dies mid-answer", async () => {
    const upstream = await listen((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write("data: first\n\n", () => setTimeout(() => res.socket?.destroy(), 50));
    });
    const { url, outcomes } = await front(upstream);
    const response = await fetch(`${url}/v1/completions`, { method: "POST", body: "{}" });
    await expect(response.text()).rejects.toThrow();
    await waitFor("the proxying to end", () => outcomes.length === 1, 5_000, 10);
    expect(outcomes).toEqual(["done"]);
  });

  it("should reject with ReplicaUnreachableError when nothing listens on the replica's port (the caller retries)", async () => {
    const gone = await listen(() => undefined);
    servers.pop()!.close();
    await new Promise((resolve) => setTimeout(resolve, 10));
    const { url, outcomes } = await front(gone);
    const response = await fetch(`${url}/v1/completions`, { method: "POST", body: "{}" });
    expect(response.status).toBe(502);
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).toBeInstanceOf(ReplicaUnreachableError);
  });

  it("should reject with undici's HeadersTimeoutError when the replica does not answer within the request timeout", async () => {
    const upstream = await listen(() => undefined);
    const { url, outcomes } = await front(upstream, 200);
    const response = await fetch(`${url}/v1/completions`, { method: "POST", body: "{}" });
    expect(response.status).toBe(502);
    expect((outcomes[0] as Error).name).toBe("HeadersTimeoutError");
  });
});
