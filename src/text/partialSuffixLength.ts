/**
 * Length of the longest suffix of `text` that is a proper prefix of one of `needles`: what a streaming parser
 * holds back because more text may complete it into a tag.
 */
export function partialSuffixLength(text: string, needles: readonly string[]): number {
  let longest = 0;
  for (const needle of needles) {
    for (let length = Math.min(needle.length - 1, text.length); length > longest; length--) {
      if (text.endsWith(needle.slice(0, length))) {
        longest = length;
        break;
      }
    }
  }
  return longest;
}
