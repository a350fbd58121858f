import { Command } from "commander";
import { llmserveHome } from "../../llmserveHome.js";

/**
 * `llmserve _controller --config FILE` (hidden): the daemon `run` starts detached. Prints one JSON startup line on
 * stdout (`started` or `failed`), logs to stderr ($LLMSERVE_HOME/logs/controller.log), and serves until shut down.
 */
export function controllerCommand(): Command {
  return new Command("_controller")
    .description("internal: the controller daemon started by `llmserve run`")
    .requiredOption("--config <file>", "the config file to deploy")
    .action(async (options: { config: string }) => {
      // The config is read and validated in a child process while this one loads the daemon's modules.
      const { loadControllerSpec } = await import("../../controller/loadControllerSpec.js");
      const spec = loadControllerSpec(options.config);
      spec.catch(() => undefined); // runController awaits it (and sees a failure) once the lock is taken
      // Imported here: every other command's process would load the whole daemon (main.ts builds them all).
      const { runController } = await import("../../controller/runController.js");
      const code = await runController({ configPath: options.config, home: llmserveHome(), spec });
      // Exit explicitly: undici keep-alive sockets or timers must not keep a finished controller alive.
      process.exit(code);
    });
}
