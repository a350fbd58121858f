import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { ADMIN_ROUTES, parseAdminApplyRequest, type AdminApplyResponse } from "../protocol/adminApi.js";
import { formatControllerState, type ControllerState } from "../protocol/ControllerState.js";

export interface AdminServerOptions {
  token: string;
  status: () => ControllerState;
  apply: (configPath: string) => Promise<AdminApplyResponse>;
  shutdown: () => void;
  log: (message: string) => void;
}

/**
 * The controller's control endpoint for `run`, `status` and `shutdown`: 127.0.0.1 only, bearer token from the
 * 0600 state file. The routes and bodies are src/protocol/adminApi.ts.
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
    if (req.method === "GET" && req.url === ADMIN_ROUTES.status) return sendText(res, 200, formatControllerState(options.status()));
    if (req.method === "POST" && req.url === ADMIN_ROUTES.apply) {
      const request = parseAdminApplyRequest(await readText(req));
      if ("error" in request) return send(res, 400, request);
      const result = await options.apply(request.configPath);
      return send(res, result.status, result.body);
    }
    if (req.method === "POST" && req.url === ADMIN_ROUTES.shutdown) {
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
  sendText(res, status, JSON.stringify(body));
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

async function readText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
