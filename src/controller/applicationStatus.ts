import type { ApplicationStatus, DeploymentRecord } from "../protocol/ControllerState.js";

/**
 * Ray's status of an application from its deployments': DELETING, else the first DEPLOY_FAILED or UNHEALTHY
 * deployment names itself in the message, DEPLOYING while any is UPDATING, else RUNNING.
 */
export function applicationStatus(
  deleting: boolean,
  deployments: readonly DeploymentRecord[],
): { status: ApplicationStatus; message: string } {
  if (deleting) return { status: "DELETING", message: "" };
  const failed = deployments.find((d) => d.status === "DEPLOY_FAILED");
  if (failed !== undefined) return { status: "DEPLOY_FAILED", message: `Deploying ${failed.name} failed: ${failed.message}` };
  const unhealthy = deployments.find((d) => d.status === "UNHEALTHY");
  if (unhealthy !== undefined) {
    return { status: "UNHEALTHY", message: `The deployment ${unhealthy.name} is UNHEALTHY: ${unhealthy.message}` };
  }
  if (deployments.some((d) => d.status === "UPDATING")) return { status: "DEPLOYING", message: "" };
  return { status: "RUNNING", message: "" };
}
