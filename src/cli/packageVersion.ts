import { readFileSync } from "node:fs";

/** The version from package.json, read once at start-up (the file sits two levels above dist/cli). */
export function packageVersion(): string {
  const url = new URL("../../package.json", import.meta.url);
  const parsed = JSON.parse(readFileSync(url, "utf8")) as { version?: unknown };
  return typeof parsed.version === "string" ? parsed.version : "0.0.0";
}
