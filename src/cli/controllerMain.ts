import { controllerCommand } from "./commands/controller.js";
import { programOf, runProgram } from "./programOf.js";

/**
 * Entry point of `llmserve _controller` (bin/llmserve.js): the same command as in `main`, in a program that loads
 * no other command. The daemon lives as long as the instance, and every other command's modules (config
 * validation, the `run` CLI's spinner, `execa`, ...) would stay resident in it (bench/README.md, "End-to-end").
 */
export async function main(argv: readonly string[]): Promise<void> {
  await runProgram(programOf([controllerCommand()]), argv);
}
