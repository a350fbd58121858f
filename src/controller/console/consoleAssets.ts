import { readdirSync, readFileSync } from "node:fs";
import { extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

export interface ConsoleAsset {
  contentType: string;
  body: Buffer;
  gzipped: Buffer;
}

/** The console's files ship in the package's `ui/` folder, beside `dist/` (this file is dist/controller/console/). */
export const CONSOLE_ASSETS_DIR = fileURLToPath(new URL("../../../ui/", import.meta.url));

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
};

/** Reads and gzips every servable file of `dir` once, at controller start-up: requests never touch the disk. */
export function loadConsoleAssets(dir: string = CONSOLE_ASSETS_DIR): Map<string, ConsoleAsset> {
  const assets = new Map<string, ConsoleAsset>();
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return assets;
  }
  for (const name of names) {
    const contentType = CONTENT_TYPES[extname(name)];
    if (contentType === undefined) continue;
    const body = readFileSync(join(dir, name));
    assets.set(name, { contentType, body, gzipped: gzipSync(body, { level: 9 }) });
  }
  return assets;
}
