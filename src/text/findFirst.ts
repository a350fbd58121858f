/** The earliest occurrence of any of `needles` in `text` from `from` on (the first listed wins a tie), or undefined. */
export function findFirst(text: string, needles: readonly string[], from = 0): { index: number; needle: string } | undefined {
  let best: { index: number; needle: string } | undefined;
  for (const needle of needles) {
    const index = text.indexOf(needle, from);
    if (index >= 0 && (best === undefined || index < best.index)) best = { index, needle };
  }
  return best;
}
