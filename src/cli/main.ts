import type { Command } from "commander";
import { programOf, runProgram } from "./programOf.js";
import { buildCommand } from "./commands/build.js";
import { controllerCommand } from "./commands/controller.js";
import { deployCommand } from "./commands/deploy.js";
import { doctorCommand } from "./commands/doctor.js";
import { gpusCommand } from "./commands/gpus.js";
import { logsCommand } from "./commands/logs.js";
import { replicaCommand } from "./commands/replica.js";
import { runCommand } from "./commands/run.js";
import { shutdownCommand } from "./commands/shutdown.js";
import { statusCommand } from "./commands/status.js";
import { validateCommand } from "./commands/validate.js";

/** Builds the `llmserve` program. Each command lives in its own file under ./commands. */
export function createProgram(): Command {
  return programOf(commands());
}

function commands(): Command[] {
  return [
    validateCommand(),
    runCommand(),
    statusCommand(),
    shutdownCommand(),
    logsCommand(),
    gpusCommand(),
    doctorCommand(),
    deployCommand(),
    buildCommand(),
    replicaCommand(),
    controllerCommand(),
  ];
}

/** Entry point used by bin/llmserve.js. Never lets a stack trace reach the user. */
export async function main(argv: readonly string[]): Promise<void> {
  await runProgram(createProgram(), argv);
}
