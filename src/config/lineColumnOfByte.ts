/** 1-based line and column (in characters) of a byte offset, counting the bytes before it as UTF-8. */
export function lineColumnOfByte(bytes: Uint8Array, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a) {
      line += 1;
      lineStart = i + 1;
    }
  }
  let column = 1;
  for (let i = lineStart; i < offset; i++) {
    // Count characters, not bytes: continuation bytes (10xxxxxx) do not start a character.
    if (((bytes[i] ?? 0) & 0xc0) !== 0x80) column += 1;
  }
  return { line, column };
}
