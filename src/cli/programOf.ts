import { Command, CommanderError } from "commander";
import { ActionableError } from "../errors/ActionableError.js";
import { EXIT_FAILURE, EXIT_USAGE } from "./exitCodes.js";
import { packageVersion } from "./packageVersion.js";
import { reportInternalError } from "./reportInternalError.js";

/**
 * The `llmserve` program with `commands` (each from its own file under ./commands). Commands named with a leading
 * underscore are internal (the controller daemon) and hidden from --help.
 */
export function programOf(commands: readonly Command[]): Command {
  const program = new Command("llmserve")
    .description("Serve reasoning LLMs from a Ray Serve LLM config file, on this machine or on a Ray cluster.")
    .version(packageVersion(), "-V, --version", "print the llmserve version")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(text) });

  // addCommand() does not pass exitOverride and output settings down; without them an unknown flag on a
  // subcommand would exit 1 from inside commander instead of the usage exit code 2.
  for (const command of commands) {
    program.addCommand(command.copyInheritedSettings(program), { hidden: command.name().startsWith("_") });
  }
  return program;
}

/** Parses `argv` with `program` and sets the exit code. Never lets a stack trace reach the user. */
export async function runProgram(program: Command, argv: readonly string[]): Promise<void> {
  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    process.exitCode = exitCodeFor(error);
  }
}

function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) {
    // --help and --version end through here with exit code 0.
    return error.exitCode === 0 ? 0 : EXIT_USAGE;
  }
  if (error instanceof ActionableError) {
    process.stderr.write(`llmserve: ${error.message}\n`);
    return error.exitCode;
  }
  reportInternalError(error);
  return EXIT_FAILURE;
}
