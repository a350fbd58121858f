import type { PathSegment } from "./Finding.js";

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** `["applications", 0, "args"]` -> `applications[0].args`; odd keys are quoted: `env_vars["A.B"]`. */
export function formatConfigPath(segments: readonly PathSegment[]): string {
  let out = "";
  for (const segment of segments) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (PLAIN_KEY.test(segment)) out += out === "" ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}
