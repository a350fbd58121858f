import { Command, Option } from "commander";
import { formatStatusTable } from "../../instance/formatStatusTable.js";
import { fetchLiveState } from "../../instance/controllerClient.js";
import { cleanUpStale, inspectInstance } from "../../instance/inspectInstance.js";
import { formatStatusYaml, statusReport } from "../../instance/statusReport.js";
import { describeForeign, describeUnrecorded } from "../../instance/describeInstanceProblems.js";
import { llmserveHome } from "../../llmserveHome.js";
import { rayAddressOption, rayTimeoutOption, runRayStatus } from "./rayAddressOption.js";

/**
 * `llmserve status [-o table|yaml|json]`: Ray's status shape as YAML (or JSON), with pids, memory, progress and the
 * endpoint; a compact table per replica by default on a terminal (scripts reading a pipe keep getting YAML).
 */
export function statusCommand(): Command {
  return new Command("status")
    .description("show applications, deployments and replicas of the running instance (Ray's `serve status` shape)")
    .addOption(new Option("-o, --output <format>", "table (one row per replica), yaml or json; default: table on a terminal, else yaml")
      .choices(["table", "yaml", "json"]))
    .option("--json", "same as -o json")
    .addOption(rayAddressOption())
    .addOption(rayTimeoutOption())
    .action(async (options: { json?: boolean; output?: string; address?: string; timeout?: string }) => {
      if (options.address !== undefined) return runRayStatus(options.address, options.timeout);
      const format = options.json === true ? "json" : (options.output ?? (process.stdout.isTTY ? "table" : "yaml"));
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
        out(format === "json" ? JSON.stringify(report, null, 2) : format === "table" ? formatStatusTable(report) : formatStatusYaml(report));
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
      if (format === "json") {
        out(JSON.stringify({ ...statusReport(undefined), ...(note !== undefined ? { note } : {}) }, null, 2));
        return;
      }
      if (note !== undefined) out(note);
      if (instance.kind !== "starting" && instance.kind !== "unrecorded") out("No llmserve instance is running.");
    });
}
