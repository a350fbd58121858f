import { Command, Option } from "commander";
import { stringify } from "yaml";
import { ActionableError } from "../../errors/ActionableError.js";
import { DEFAULT_DASHBOARD_ADDRESS, resolveDashboardAddress } from "../../ray/dashboardAddress.js";
import { RayDashboardError } from "../../ray/errors/RayDashboardError.js";
import { prepareRayConfig } from "../../ray/prepareRayConfig.js";
import type { RayServeStatus } from "../../ray/rayStatus.js";
import { redactConfig, scrubSecrets } from "../../ray/secrets.js";
import { rayAddressOption, rayTimeoutOption, timeoutMsFrom } from "./rayAddressOption.js";

interface DeployOptions {
  address?: string;
  dryRun?: boolean;
  wait?: boolean;
  timeout?: string;
  waitTimeout?: string;
}

/** `llmserve deploy FILE [--address URL] [--dry-run] [--wait]`: the same file, on a Ray cluster. */
export function deployCommand(): Command {
  return new Command("deploy")
    .description(
      "Deploy a config file to a Ray cluster running Ray Serve LLM (like `serve deploy`): validate it for Ray, " +
        "translate it (llmserve-only keys such as gguf_source are dropped) and send it to the Ray dashboard. " +
        "Ray deploys asynchronously and deletes the cluster's applications that the file does not list.",
    )
    .argument("<config>", "the config file (YAML)")
    .addOption(rayAddressOption())
    .option("--dry-run", "print the config that would be sent (secrets redacted) and send nothing")
    .option("--wait", "wait until every application is RUNNING (exit 0) or failed (exit 1)")
    .addOption(new Option("--wait-timeout <seconds>", "how long --wait waits").default("1800"))
    .addOption(rayTimeoutOption())
    .action(async (path: string, options: DeployOptions) => {
      const err = (line: string): void => void process.stderr.write(`${line}\n`);
      const prepared = await prepareRayConfig(path, err);
      for (const note of prepared.notes) err(`llmserve: note: ${note}`);

      if (options.dryRun === true) {
        process.stdout.write(stringify(redactConfig(prepared.config).redacted, { lineWidth: 0 }));
        return;
      }
      const address = resolveDashboardAddress(options.address, process.env, DEFAULT_DASHBOARD_ADDRESS) as URL;
      const usedDefault = resolveDashboardAddress(options.address, process.env) === undefined;
      const waitTimeoutMs = Number(options.waitTimeout) * 1000;
      if (!Number.isFinite(waitTimeoutMs) || waitTimeoutMs <= 0) {
        throw new ActionableError(`--wait-timeout must be a positive number of seconds (got '${options.waitTimeout}')`, 2);
      }
      let lastLine = "";
      const { rayDeploy } = await import("../../ray/rayDeploy.js"); // undici and the dashboard client: deploy only
      const result = await rayDeploy(address, prepared.config, {
        timeoutMs: timeoutMsFrom(options.timeout),
        secrets: prepared.secrets,
        wait: options.wait === true,
        waitTimeoutMs,
        onStatus: (status) => {
          const line = progressLine(status, prepared.config.applications);
          if (line !== lastLine) err(`llmserve: ${line}`);
          lastLine = line;
        },
      }).catch((error: unknown) => {
        if (usedDefault && error instanceof RayDashboardError && (error.kind === "connection-refused" || error.kind === "unreachable")) {
          throw new RayDashboardError(error.kind, `${error.message} (No --address or $RAY_DASHBOARD_ADDRESS was given, so llmserve tried Ray's default.)`);
        }
        throw error;
      });
      for (const warning of result.warnings) err(`llmserve: warning: ${warning}`);
      if (result.removedApplications.length > 0) {
        err(`llmserve: note: Ray deletes the cluster's applications that the file does not list: ${quoted(result.removedApplications)}.`);
      }
      const where = result.address;
      process.stdout.write(`Sent the deploy request for ${quoted(result.applications)} to ${where}.\n`);
      if (result.outcome === undefined) {
        process.stdout.write(`Ray deploys asynchronously; follow it with: llmserve status --address ${where}\n`);
        return;
      }
      if (result.outcome === "running") {
        process.stdout.write(`${quoted(result.applications)} ${result.applications.length === 1 ? "is" : "are"} RUNNING on ${where}.\n`);
        return;
      }
      const status = result.status;
      if (result.outcome === "failed" && status !== undefined) {
        const failed = Object.entries(status.applications).filter(([name, app]) => result.applications.includes(name) && app.status !== "RUNNING" && app.status !== "DEPLOYING");
        const detail = failed.map(([name, app]) => `application '${name}' is ${app.status}: ${app.message}`).join("\n");
        throw new ActionableError(scrubSecrets(`the deployment failed on ${where}:\n${detail}`, prepared.secrets));
      }
      throw new ActionableError(
        `the applications were not RUNNING after ${options.waitTimeout} s (${lastLine}); Ray keeps deploying: follow it with llmserve status --address ${where}`,
      );
    });
}

function progressLine(status: RayServeStatus, applications: ReadonlyArray<Record<string, unknown>>): string {
  return applications
    .map((app) => {
      const name = typeof app["name"] === "string" ? app["name"] : "default";
      return `${name}: ${status.applications[name]?.status ?? "NOT_STARTED"}`;
    })
    .join(", ");
}

function quoted(names: readonly string[]): string {
  return names.map((name) => `'${name}'`).join(", ");
}
