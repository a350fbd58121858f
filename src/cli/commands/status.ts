import { Command } from "commander";
import { fetchLiveState } from "../../instance/controllerClient.js";
import { cleanUpStale, inspectInstance } from "../../instance/inspectInstance.js";
import { formatStatusYaml, statusReport } from "../../instance/statusReport.js";
import { describeForeign, describeUnrecorded } from "../../instance/describeInstanceProblems.js";
import { llmserveHome } from "../../llmserveHome.js";
import { rayAddressOption, rayTimeoutOption, runRayStatus } from "./rayAddressOption.js";

/** `llmserve status [--json]`: Ray's status shape as YAML (or JSON), with pids, memory, progress and the endpoint. */
export function statusCommand(): Command {
  return new Command("status")
    .description("show applications, deployments and replicas of the running instance (Ray's `serve status` shape)")
    .option("--json", "print JSON instead of YAML")
    .addOption(rayAddressOption())
    .addOption(rayTimeoutOption())
    .action(async (options: { json?: boolean; address?: string; timeout?: string }) => {
      if (options.address !== undefined) return runRayStatus(options.address, options.timeout);
      const home = llmserveHome();
      const out = (text: string): void => {
        process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
      };
      const instance = inspectInstance(home);
      if (instance.kind === "running") {
        const live = await fetchLiveState(instance.recorded.controller);
        const report = statusReport(live ?? instance.recorded);
        if (live === undefined) {
          process.stderr.write(
            `llmserve: the controller (pid ${instance.recorded.controller.pid}) is not answering; ` +
              `showing the state it recorded at ${new Date(instance.recorded.updatedAt * 1000).toISOString()}\n`,
          );
        }
        out(options.json === true ? JSON.stringify(report, null, 2) : formatStatusYaml(report));
        return;
      }
      let note: string | undefined;
      if (instance.kind === "starting") note = `An llmserve controller (pid ${instance.pid}) is starting.`;
      if (instance.kind === "none" && instance.removedDamagedState === true) note = "Removed a damaged state file.";
      if (instance.kind === "unrecorded") {
        note = `${describeUnrecorded(home, instance)} Stop them with \`llmserve shutdown -y\`.`;
        process.exitCode = 1;
      }
      if (instance.kind === "stale") {
        if (instance.foreign.length > 0) process.stderr.write(`llmserve: ${describeForeign(instance.foreign)}\n`);
        const leftovers = await cleanUpStale(home, instance);
        note =
          `The controller (pid ${instance.recorded.controller.pid}) is gone; removed its stale state` +
          (instance.survivors.length > 0 ? ` and stopped ${instance.survivors.length} process group(s) it left` : "") +
          (leftovers.length > 0 ? `; process groups ${leftovers.join(", ")} survived SIGKILL` : "") +
          ".";
        if (leftovers.length > 0) process.exitCode = 1;
      }
      if (options.json === true) {
        out(JSON.stringify({ ...statusReport(undefined), ...(note !== undefined ? { note } : {}) }, null, 2));
        return;
      }
      if (note !== undefined) out(note);
      if (instance.kind !== "starting" && instance.kind !== "unrecorded") out("No llmserve instance is running.");
    });
}
