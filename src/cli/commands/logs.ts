import { join } from "node:path";
import { Command } from "commander";
import { listLogSources, tailLogs } from "../../instance/logTail.js";
import { llmserveHome } from "../../llmserveHome.js";

/** `llmserve logs [--follow] [APP/MODEL]`: the controller's and replicas' logs, each line prefixed by its source. */
export function logsCommand(): Command {
  return new Command("logs")
    .description("print the controller's and replicas' logs (all, or one APP or APP/MODEL)")
    .argument("[app/model]", "only this application, or this application's model")
    .option("-f, --follow", "keep printing new lines until Ctrl-C")
    .action(async (filter: string | undefined, options: { follow?: boolean }) => {
      const home = llmserveHome();
      if (listLogSources(home, filter).length === 0 && options.follow !== true) {
        process.stdout.write(`No logs${filter !== undefined ? ` for ${filter}` : ""} in ${join(home, "logs")}.\n`);
        return;
      }
      const abort = new AbortController();
      const stop = (): void => abort.abort();
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
      await tailLogs({
        home,
        ...(filter !== undefined ? { filter } : {}),
        fromStart: true,
        follow: options.follow === true,
        write: (line) => process.stdout.write(`${line}\n`),
        signal: abort.signal,
      });
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
    });
}
