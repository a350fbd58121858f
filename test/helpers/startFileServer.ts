import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface FileServerOptions {
  /** Path → file bytes. */
  readonly files: Readonly<Record<string, Buffer>>;
  /** Bearer token required on every request (401 without it). */
  readonly token?: string;
  /** The first N responses for a file end the connection after this many bytes (a dropped download). */
  readonly dropAfterBytes?: number;
  readonly dropTimes?: number;
  /** Extra routes answered before files (e.g. an HF manifest). */
  readonly routes?: Readonly<Record<string, (req: IncomingMessage, res: ServerResponse) => void>>;
}

export interface FileServer {
  readonly url: string;
  /** Every request seen: path, range header, whether it carried the right token. */
  readonly requests: { path: string; range: string | undefined; authorized: boolean }[];
  close(): Promise<void>;
}

/** A local HTTP file server with Range support, optional auth and dropped connections, for download tests. */
export async function startFileServer(options: FileServerOptions): Promise<FileServer> {
  const requests: FileServer["requests"] = [];
  let drops = 0;
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const authorized = options.token !== undefined && req.headers.authorization === `Bearer ${options.token}`;
    requests.push({ path, range: req.headers.range, authorized });
    if (options.token !== undefined && !authorized) {
      res.writeHead(401, { "content-type": "application/json" }).end('{"error":"unauthorized"}');
      return;
    }
    const route = options.routes?.[path];
    if (route !== undefined) {
      route(req, res);
      return;
    }
    const file = options.files[path];
    if (file === undefined) {
      res.writeHead(404).end("not found");
      return;
    }
    let start = 0;
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? "");
    if (range !== null) {
      start = Number(range[1]);
      if (start >= file.length) {
        res.writeHead(416, { "content-range": `bytes */${file.length}` }).end();
        return;
      }
      res.writeHead(206, {
        "content-length": String(file.length - start),
        "content-range": `bytes ${start}-${file.length - 1}/${file.length}`,
        "accept-ranges": "bytes",
      });
    } else {
      res.writeHead(200, { "content-length": String(file.length), "accept-ranges": "bytes" });
    }
    const body = file.subarray(start);
    if (options.dropAfterBytes !== undefined && drops < (options.dropTimes ?? 1) && body.length > options.dropAfterBytes) {
      drops++;
      res.write(body.subarray(0, options.dropAfterBytes), () => res.socket?.destroy());
      return;
    }
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
