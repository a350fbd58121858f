/**
 * A stand-in for a Ray cluster's dashboard on 127.0.0.1 (port 0), implementing the documented Serve REST API:
 * GET/PUT/DELETE /api/serve/applications/ and GET /api/ray/version. PUT bodies are validated against
 * test/fixtures/ray/serve-config.schema.json (Ray's ServeDeploySchema; 400 with a pydantic-style text when
 * invalid, as Ray answers), and each application's args against Ray Serve LLM's LLMServingArgs/LLMConfig
 * (DEPLOY_FAILED with a message when invalid, as Ray reports a failed application build). Applications move
 * DEPLOYING -> RUNNING over `deployingPolls` GETs; DELETE moves them to DELETING, then gone.
 */
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";

export type FakeDashboardMode = "ray" | "old-ray" | "html" | "not-json" | "hang" | "serve-not-installed";

export interface FakeRayDashboardOptions {
  /** Defaults to "ray": a working dashboard. */
  mode?: FakeDashboardMode;
  /** Defaults to "2.54.0". */
  rayVersion?: string;
  /** How many GETs an application stays DEPLOYING. Defaults to 1. */
  deployingPolls?: number;
  /** Applications that end DEPLOY_FAILED with this message (a replica that failed to start). */
  failApplications?: Record<string, string>;
  /** Answer every PUT with 400 and this text (a Ray version whose schema rejects the config); `{body}` is replaced by the body. */
  rejectPut?: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  body: string;
}

export interface FakeRayDashboard {
  /** http://127.0.0.1:PORT */
  url: string;
  requests: RecordedRequest[];
  /** The last config accepted by PUT. */
  lastConfig(): unknown;
  close(): Promise<void>;
}

const schemaPath = new URL("../fixtures/ray/serve-config.schema.json", import.meta.url);
const NODE_ID = "2d3c5f1e9a7b4c0d8e6f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f";

interface FakeApp {
  config: Record<string, unknown>;
  status: "DEPLOYING" | "RUNNING" | "DEPLOY_FAILED" | "DELETING";
  message: string;
  pollsLeft: number;
  failure: string | undefined;
  deployedAt: number;
  deploymentNames: string[];
}

/** Starts the fake dashboard; call `close()` in teardown. */
export async function startFakeRayDashboard(options: FakeRayDashboardOptions = {}): Promise<FakeRayDashboard> {
  const mode = options.mode ?? "ray";
  const rayVersion = options.rayVersion ?? (mode === "old-ray" ? "1.11.0" : "2.54.0");
  const deployingPolls = options.deployingPolls ?? 1;
  const schema = JSON.parse(readFileSync(schemaPath, "utf8")) as Record<string, unknown>;
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  ajv.addSchema(schema);
  const validateDeploy = ajv.getSchema(`${String(schema["$id"])}#/$defs/ServeDeploySchema`) as ValidateFunction;
  const validateLlmArgs = ajv.getSchema(`${String(schema["$id"])}#/$defs/LLMServingArgs`) as ValidateFunction;

  const requests: RecordedRequest[] = [];
  const apps = new Map<string, FakeApp>();
  let serveRunning = false;
  let shuttingDown = false;
  let httpOptions: Record<string, unknown> = {};
  let proxyLocation = "EveryNode";
  let lastConfig: unknown;
  const sockets = new Set<Socket>();

  const details = (): Record<string, unknown> => {
    // Each GET is a tick of the fake controller.
    for (const [name, app] of apps) {
      if (app.status === "DELETING") apps.delete(name);
      else if (app.status === "DEPLOYING" && app.pollsLeft-- <= 0) {
        app.status = app.failure === undefined ? "RUNNING" : "DEPLOY_FAILED";
        app.message = app.failure ?? "";
      }
    }
    if (shuttingDown && apps.size === 0) {
      serveRunning = false;
      shuttingDown = false;
    }
    if (!serveRunning) {
      return { deploy_mode: "MULTI_APP", controller_info: {}, proxies: {}, applications: {}, target_capacity: null };
    }
    const applications: Record<string, unknown> = {};
    for (const [name, app] of apps) applications[name] = applicationDetails(name, app);
    return {
      controller_info: { node_id: NODE_ID, node_ip: "10.0.0.1", actor_id: "a1", actor_name: "SERVE_CONTROLLER_ACTOR", worker_id: "w1", log_file_path: "/serve/controller.log" },
      proxy_location: proxyLocation,
      http_options: { host: "0.0.0.0", port: 8000, root_path: "", request_timeout_s: null, keep_alive_timeout_s: 5, ...httpOptions },
      grpc_options: { port: 9000, grpc_servicer_functions: [], request_timeout_s: null },
      proxies: { [NODE_ID]: { node_id: NODE_ID, node_ip: "10.0.0.1", actor_id: "p1", actor_name: "SERVE_PROXY_ACTOR", status: "HEALTHY" } },
      deploy_mode: "MULTI_APP",
      applications,
      target_capacity: null,
    };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req);
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    requests.push({ method: req.method ?? "", path, body });
    if (mode === "hang") return; // never answers
    if (mode === "html") return send(res, 200, "text/html; charset=utf-8", "<!doctype html><html><body>Grafana</body></html>");
    if (mode === "not-json") return send(res, 200, "text/plain", "OK");
    if (path === "/api/ray/version" && req.method === "GET") {
      return sendJson(res, 200, { version: "4", ray_version: rayVersion, ray_commit: "0123abcd", session_name: "session_fake" });
    }
    if (path !== "/api/serve/applications/") return send(res, 404, "text/plain; charset=utf-8", "404: Not Found");
    if (mode === "old-ray") return send(res, 404, "text/plain; charset=utf-8", "404: Not Found");
    if (mode === "serve-not-installed") {
      return send(res, 501, "text/plain", 'Serve dependencies are not installed. Please run `pip install "ray[serve]"`.');
    }
    switch (req.method) {
      case "GET":
        return sendJson(res, 200, details());
      case "DELETE":
        if (serveRunning) {
          shuttingDown = true;
          for (const app of apps.values()) app.status = "DELETING";
        }
        return send(res, 200, "text/plain", "");
      case "PUT":
        return put(res, body);
      default:
        return send(res, 405, "text/plain", "405: Method Not Allowed");
    }
  };

  const put = (res: ServerResponse, body: string): void => {
    if (options.rejectPut !== undefined) return send(res, 400, "text/plain", options.rejectPut.replace("{body}", body));
    let config: unknown;
    try {
      config = JSON.parse(body);
    } catch {
      return send(res, 400, "text/plain", "Expecting value: line 1 column 1 (char 0)");
    }
    if (!validateDeploy(config)) return send(res, 400, "text/plain", pydanticText("ServeDeploySchema", validateDeploy.errors ?? []));
    const deploy = config as { applications: Array<Record<string, unknown>>; http_options?: Record<string, unknown>; proxy_location?: string };
    const names = deploy.applications.map((app) => String(app["name"] ?? "default"));
    const duplicate = names.find((name, index) => names.indexOf(name) !== index);
    if (duplicate !== undefined) {
      return send(res, 400, "text/plain", `1 validation error for ServeDeploySchema\napplications\n  Found multiple configs for application "${duplicate}". Please remove all duplicates. (type=value_error)`);
    }
    lastConfig = config;
    if (!serveRunning) {
      serveRunning = true;
      httpOptions = deploy.http_options ?? {};
      proxyLocation = deploy.proxy_location ?? "EveryNode";
    }
    shuttingDown = false;
    for (const [name, app] of apps) if (!names.includes(name)) app.status = "DELETING";
    for (const appConfig of deploy.applications) {
      const name = String(appConfig["name"] ?? "default");
      const previous = apps.get(name);
      if (previous !== undefined && JSON.stringify(previous.config) === JSON.stringify(appConfig) && previous.status !== "DELETING") continue;
      const args = appConfig["args"] ?? {};
      const buildError = validateLlmArgs(args)
        ? undefined
        : `Deploying app '${name}' failed with exception:\nTraceback (most recent call last):\n  File "ray/serve/_private/application_state.py", in build_serve_application\npydantic_core._pydantic_core.${pydanticText("LLMServingArgs", validateLlmArgs.errors ?? [])}\n  input: ${JSON.stringify(args)}`;
      const llmConfigs = Array.isArray((args as Record<string, unknown>)["llm_configs"]) ? ((args as Record<string, unknown>)["llm_configs"] as unknown[]) : [];
      apps.set(name, {
        config: appConfig,
        status: buildError === undefined ? "DEPLOYING" : "DEPLOY_FAILED",
        message: buildError ?? "",
        pollsLeft: deployingPolls,
        failure: options.failApplications?.[name],
        deployedAt: Date.now() / 1000,
        deploymentNames: buildError === undefined ? [...llmConfigs.map(deploymentName), "OpenAiIngress"] : [],
      });
    }
    send(res, 200, "text/plain", "");
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => send(res, 500, "text/plain", String(error)));
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    lastConfig: () => lastConfig,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function applicationDetails(name: string, app: FakeApp): Record<string, unknown> {
  const deployments: Record<string, unknown> = {};
  for (const deploymentName of app.deploymentNames) {
    const [status, trigger, state, message] =
      app.status === "RUNNING"
        ? ["HEALTHY", "CONFIG_UPDATE_COMPLETED", "RUNNING", ""]
        : app.status === "DEPLOY_FAILED"
          ? ["DEPLOY_FAILED", "REPLICA_STARTUP_FAILED", "STOPPING", app.message]
          : app.status === "DELETING"
            ? ["UPDATING", "DELETING", "STOPPING", ""]
            : ["UPDATING", "CONFIG_UPDATE_STARTED", "STARTING", ""];
    deployments[deploymentName] = {
      name: deploymentName,
      status,
      status_trigger: trigger,
      message,
      deployment_config: { name: deploymentName },
      target_num_replicas: 1,
      required_resources: { CPU: 1 },
      replicas: [{ node_id: NODE_ID, replica_id: `${deploymentName}#1`, state, pid: 4242, start_time_s: app.deployedAt }],
    };
  }
  return {
    name,
    route_prefix: app.config["route_prefix"] === undefined ? "/" : app.config["route_prefix"],
    docs_path: null,
    status: app.status,
    message: app.message,
    last_deployed_time_s: app.deployedAt,
    deployed_app_config: app.config,
    source: "declarative",
    deployments,
  };
}

/** Ray names an LLM deployment `LLMServer:<model_id>` with "/" -> "--" and "." -> "_". */
function deploymentName(llmConfig: unknown): string {
  const loading = typeof llmConfig === "object" && llmConfig !== null ? (llmConfig as Record<string, unknown>)["model_loading_config"] : undefined;
  const id = typeof loading === "object" && loading !== null ? String((loading as Record<string, unknown>)["model_id"]) : String(llmConfig);
  return `LLMServer:${id.replaceAll("/", "--").replaceAll(".", "_")}`;
}

/** ajv errors in the shape of a pydantic ValidationError's text. */
function pydanticText(model: string, errors: readonly ErrorObject[]): string {
  const lines = errors
    .filter((error) => error.keyword !== "anyOf" && error.keyword !== "if")
    .map((error) => {
      const location = error.instancePath.split("/").filter((part) => part !== "").join(" -> ") || "__root__";
      const extra = error.keyword === "additionalProperties" ? ` (${String((error.params as { additionalProperty?: string }).additionalProperty)})` : "";
      return `${location}\n  ${error.message ?? "invalid"}${extra} (type=value_error.${error.keyword})`;
    });
  return `${lines.length} validation error${lines.length === 1 ? "" : "s"} for ${model}\n${lines.join("\n")}`;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { "content-type": contentType, "content-length": Buffer.byteLength(body) });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, "application/json; charset=utf-8", JSON.stringify(value));
}
