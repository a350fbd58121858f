import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { ControllerState } from "./ControllerState.js";

export type AdminApplyResult =
  | { status: 200; body: { summary: unknown } }
  | { status: 400 | 409; body: { error: string } };

export interface AdminServerOptions {
  token: string;
  status: () => ControllerState;
  apply: (configPath: string) => Promise<AdminApplyResult>;
  shutdown: () => void;
  log: (message: string) => void;
}

/**
 * The controller's control endpoint for `run`, `status` and `shutdown`: 127.0.0.1 only, bearer token from the
 * 0600 state file. Routes: GET /status, POST /apply {"configPath"}, POST /shutdown.
 */
export function startAdminServer(options: AdminServerOptions): Promise<{ port: number; close: () => void }> {
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      options.log(`admin: ${(error as Error).stack ?? String(error)}`);
      send(res, 500, { error: (error as Error).message });
    });
  });
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.headers.authorization !== `Bearer ${options.token}`) return send(res, 401, { error: "bad admin token" });
    if (req.method === "GET" && req.url === "/status") return send(res, 200, options.status());
    if (req.method === "POST" && req.url === "/apply") {
      let configPath: unknown;
      try {
        configPath = (JSON.parse(await readText(req)) as { configPath?: unknown }).configPath;
      } catch {
        return send(res, 400, { error: "body must be JSON {configPath}" });
      }
      if (typeof configPath !== "string") return send(res, 400, { error: "configPath must be a string" });
      const result = await options.apply(configPath);
      return send(res, result.status, result.body);
    }
    if (req.method === "POST" && req.url === "/shutdown") {
      send(res, 202, { stopping: true });
      options.shutdown();
      return;
    }
    send(res, 404, { error: `no admin route ${req.method} ${req.url}` });
  };
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      resolve({
        port,
        close: () => {
          server.close();
          server.closeAllConnections();
        },
      });
    });
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

async function readText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
