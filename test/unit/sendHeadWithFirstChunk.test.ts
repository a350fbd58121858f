import { once } from "node:events";
import { createServer, type Server, type ServerResponse } from "node:http";
import { connect, type AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { sendHeadWithFirstChunk } from "../../src/sendHeadWithFirstChunk.js";

const servers: Server[] = [];

async function serve(handler: (res: ServerResponse) => void): Promise<number> {
  const server = createServer((_req, res) => handler(res));
  servers.push(server);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return (server.address() as AddressInfo).port;
}

/** The raw bytes of each TCP read of one GET, with the ms since the request was sent. */
async function reads(port: number): Promise<{ ms: number; text: string }[]> {
  const socket = connect(port, "127.0.0.1");
  await once(socket, "connect");
  const started = performance.now();
  const seen: { ms: number; text: string }[] = [];
  socket.on("data", (chunk: Buffer) => seen.push({ ms: performance.now() - started, text: chunk.toString() }));
  socket.write("GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n");
  await once(socket, "close");
  return seen;
}

afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

describe("sendHeadWithFirstChunk", () => {
  it("should send the head together with a first chunk that comes within the delay", async () => {
    const port = await serve((res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      sendHeadWithFirstChunk(res, 1_000);
      setTimeout(() => res.end("data: 1\n\n"), 50);
    });
    const seen = await reads(port);
    expect(seen[0]!.text).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\n[\s\S]*data: 1/);
  });

  it("should send the head alone once the delay has passed without a chunk", async () => {
    const port = await serve((res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      sendHeadWithFirstChunk(res, 100);
      setTimeout(() => res.end("data: 1\n\n"), 1_500);
    });
    const seen = await reads(port);
    expect(seen[0]!.text).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(seen[0]!.text).not.toContain("data: 1");
    expect(seen[0]!.ms).toBeLessThan(1_000);
    expect(seen.map((read) => read.text).join("")).toContain("data: 1");
  });
});
