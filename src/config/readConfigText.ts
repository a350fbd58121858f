import { readFile, stat } from "node:fs/promises";
import { lineColumnOfByte } from "./lineColumnOfByte.js";

/** Config files above this size are refused: a real one is a few KiB. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

export type ReadConfigTextResult =
  | { ok: true; text: string; bytes: Buffer }
  | { ok: false; line: number; column: number; message: string };

/**
 * Reads a config file as UTF-8 text, refusing what cannot be one: a directory, a file over 1 MiB, a binary file,
 * UTF-16, invalid UTF-8. A UTF-8 byte-order mark is dropped. Never throws.
 */
export async function readConfigText(path: string): Promise<ReadConfigTextResult> {
  let bytes: Buffer;
  try {
    const info = await stat(path);
    if (info.isDirectory()) return failure(1, 1, "is a directory, not a config file");
    if (info.size > MAX_CONFIG_BYTES) return failure(1, 1, tooBig(info.size));
    bytes = await readFile(path);
  } catch (error) {
    return failure(1, 1, readErrorMessage(error));
  }
  if (bytes.length > MAX_CONFIG_BYTES) return failure(1, 1, tooBig(bytes.length));
  if (hasUtf16Bom(bytes)) return failure(1, 1, "is UTF-16 encoded; save it as UTF-8");
  const nul = bytes.indexOf(0);
  if (nul !== -1) {
    const { line, column } = lineColumnOfByte(bytes, nul);
    return failure(line, column, "looks like a binary file (it contains a NUL byte), not a YAML config");
  }
  const bad = firstInvalidUtf8Byte(bytes);
  if (bad !== -1) {
    const { line, column } = lineColumnOfByte(bytes, bad);
    return failure(line, column, `is not valid UTF-8 (byte 0x${bytes[bad]?.toString(16).padStart(2, "0")}); save it as UTF-8`);
  }
  let text = bytes.toString("utf8");
  if (text.startsWith("\uFEFF")) text = text.slice(1);
  return { ok: true, text, bytes };
}

function failure(line: number, column: number, message: string): ReadConfigTextResult {
  return { ok: false, line, column, message };
}

function tooBig(size: number): string {
  return `is ${size} bytes, over the 1 MiB limit for a config file`;
}

function readErrorMessage(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === "ENOENT") return "no such file";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "EISDIR") return "is a directory, not a config file";
  return `cannot be read (${code ?? (error instanceof Error ? error.message : String(error))})`;
}

function hasUtf16Bom(bytes: Buffer): boolean {
  return bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff));
}

/** Offset of the first byte that does not start or continue a well-formed UTF-8 sequence, or -1. */
export function firstInvalidUtf8Byte(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] ?? 0;
    if (b < 0x80) {
      i += 1;
      continue;
    }
    let length: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) [length, min] = [2, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [length, min] = [3, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [length, min] = [4, 0x10000];
    else return i;
    if (i + length > bytes.length) return i;
    let codePoint = b & (0xff >> (length + 1));
    for (let k = 1; k < length; k++) {
      const c = bytes[i + k] ?? 0;
      if ((c & 0xc0) !== 0x80) return i;
      codePoint = (codePoint << 6) | (c & 0x3f);
    }
    if (codePoint < min || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) return i;
    i += length;
  }
  return -1;
}
