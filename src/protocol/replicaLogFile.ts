import { join } from "node:path";
import { fileSafeName } from "./fileSafeName.js";

/** Where a replica's stderr goes: `<logDir>/replicas/<app>/<model>/<replicaId>.log` (app and model made file-safe). */
export function replicaLogFile(logDir: string, appName: string, modelId: string, replicaId: string): string {
  return join(logDir, "replicas", fileSafeName(appName), fileSafeName(modelId), `${replicaId}.log`);
}
