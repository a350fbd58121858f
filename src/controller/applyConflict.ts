import type { AdminApplyResponse } from "../protocol/adminApi.js";
import type { ControllerSpec } from "./controllerSpec.js";

/**
 * Why an admin apply of `next` over `running` is refused, or undefined when it may proceed: http_options changed
 * (400: the address cannot change while it runs), or another run's different file is still deploying (409).
 */
export function applyConflict(
  running: ControllerSpec | undefined,
  next: ControllerSpec,
  applying: boolean,
): AdminApplyResponse | undefined {
  if (running === undefined) return undefined;
  if (running.host !== next.host || running.port !== next.port) {
    return {
      status: 400,
      body: {
        error:
          `http_options changed (${running.host}:${running.port} -> ${next.host}:${next.port}); the HTTP address cannot ` +
          "change while llmserve runs. Run `llmserve shutdown`, then `llmserve run` again",
      },
    };
  }
  if (applying && running.configHash !== next.configHash) {
    return {
      status: 409,
      body: {
        error: `another llmserve run is deploying ${running.configPath} right now; wait until it is RUNNING (llmserve status), then run again`,
      },
    };
  }
  return undefined;
}
