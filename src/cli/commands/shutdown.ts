import { createInterface } from "node:readline/promises";
import { Command } from "commander";
import type { ControllerState } from "../../protocol/ControllerState.js";
import { waitUntil } from "../../process/processGroup.js";
import { cleanUpStale, inspectInstance } from "../../instance/inspectInstance.js";
import { stopInstance } from "../../instance/stopInstance.js";
import { CONTROLLER_START_TIMEOUT_MS } from "../../instance/timeouts.js";
import { describeForeign, describeUnrecorded } from "../../instance/describeInstanceProblems.js";
import { stopUnrecordedInstance } from "../../instance/stopUnrecordedInstance.js";
import { llmserveHome } from "../../llmserveHome.js";
import { ActionableError } from "../../errors/ActionableError.js";
import { rayAddressOption, rayTimeoutOption, runRayShutdown } from "./rayAddressOption.js";

/** `llmserve shutdown [-y]`: stops everything llmserve started, verifies nothing is left, removes the state. */
export function shutdownCommand(): Command {
  return new Command("shutdown")
    .description("stop the controller and every replica (in-flight requests finish first), then verify nothing is left")
    .option("-y, --yes", "do not ask for confirmation")
    .addOption(rayAddressOption())
    .addOption(rayTimeoutOption())
    .action(async (options: { yes?: boolean; address?: string; timeout?: string }) => {
      if (options.address !== undefined) {
        if (options.yes !== true) {
          await confirm(`This will shut down Ray Serve at ${options.address} and delete all its applications.`);
        }
        return runRayShutdown(options.address, options.timeout);
      }
      const home = llmserveHome();
      let instance = inspectInstance(home);
      if (instance.kind === "starting") {
        await waitUntil(() => inspectInstance(home).kind !== "starting", CONTROLLER_START_TIMEOUT_MS, 100);
        instance = inspectInstance(home);
      }
      if (instance.kind === "none" || instance.kind === "starting") {
        if (instance.kind === "none" && instance.removedDamagedState === true) process.stdout.write("Removed a damaged state file.\n");
        process.stdout.write("No llmserve instance is running.\n");
        return;
      }
      if (instance.kind === "unrecorded") {
        process.stdout.write(`${describeUnrecorded(home, instance)}\n`);
        if (options.yes !== true) await confirm("This will stop them all.");
        const result = await stopUnrecordedInstance(home, instance.processes);
        if (result.survivors.length > 0) throw new ActionableError(`these process groups survived SIGKILL: ${result.survivors.join(", ")}`);
        const lines = result.stopped.map((p) => `  ${p.what} (pid ${p.pid})`);
        process.stdout.write(`Stopped llmserve:\n${lines.join("\n")}\nRemoved the state file. No process it started is left.\n`);
        return;
      }
      if (instance.kind === "stale") {
        if (instance.foreign.length > 0) process.stderr.write(`llmserve: ${describeForeign(instance.foreign)}\n`);
        const leftovers = await cleanUpStale(home, instance);
        if (leftovers.length > 0) {
          throw new ActionableError(`process groups ${leftovers.join(", ")} of a dead llmserve controller survived SIGKILL`);
        }
        process.stdout.write(
          `The controller (pid ${instance.recorded.controller.pid}) was already gone` +
            (instance.survivors.length > 0 ? `; stopped ${instance.survivors.length} process group(s) it left` : "") +
            "; removed its state. Nothing is running.\n",
        );
        return;
      }
      const recorded = instance.recorded;
      if (options.yes !== true) await confirm(localShutdownQuestion(recorded));
      const result = await stopInstance(home, recorded);
      if (result.survivors.length > 0) {
        throw new ActionableError(
          `these process groups survived SIGKILL: ${result.survivors.join(", ")}; state kept in ${home}/state.json`,
        );
      }
      const lines = result.stopped.map((p) => `  ${p.what} (pid ${p.pid})`);
      process.stdout.write(
        `Stopped llmserve${result.forced ? " (some processes had to be killed after the grace period)" : ""}:\n` +
          `${lines.join("\n")}\nNo process it started is left.\n`,
      );
    });
}

function localShutdownQuestion(recorded: ControllerState): string {
  const apps = recorded.applications.map((app) => app.name).join(", ") || "none";
  return `This will shut down llmserve (controller pid ${recorded.controller.pid}) and delete all applications (${apps}).`;
}

async function confirm(question: string): Promise<void> {
  if (process.stdin.isTTY !== true) {
    throw new ActionableError("refusing to shut down without confirmation (stdin is not a terminal); pass -y to confirm");
  }
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const answer = await rl.question(`${question} Do you want to continue? [y/N]: `);
  rl.close();
  if (!/^y(es)?$/i.test(answer.trim())) throw new ActionableError("Aborted!");
}
