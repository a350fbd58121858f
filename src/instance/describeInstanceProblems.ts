import { stateFilePath } from "../protocol/stateFile.js";
import type { InstanceState } from "./inspectInstance.js";

/** What `status` and `shutdown` say about processes found without a readable state file. */
export function describeUnrecorded(home: string, instance: Extract<InstanceState, { kind: "unrecorded" }>): string {
  const controllers = instance.processes.filter((found) => found.role === "controller").map((found) => found.identity.pid);
  const replicas = instance.processes.filter((found) => found.role === "replica").map((found) => found.identity.pid);
  const parts = [
    ...(controllers.length > 0 ? [`controller pid ${controllers.join(", ")}`] : []),
    ...(replicas.length > 0 ? [`${replicas.length} replica(s), pid ${replicas.join(", ")}`] : []),
  ];
  return `The state file ${stateFilePath(home)} is ${instance.stateFile}, but processes of this llmserve instance are running ` +
    `(found by the instance id in their environment): ${parts.join("; ")}.`;
}

/** The warning for recorded pids that now belong to processes llmserve did not start (never signalled). */
export function describeForeign(foreign: readonly number[]): string {
  return `warning: process group(s) ${foreign.join(", ")} named in the state file are not llmserve's any more ` +
    "(the pids were reused); they were left alone.";
}
