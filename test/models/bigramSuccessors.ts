import type { ByteLevelBpeVocabulary } from "./byteLevelBpeVocabulary.js";

/**
 * The successor map of a bigram machine from token chains (each chain: the text of the last prompt token, then
 * the generated tokens in order). Throws when one token would need two different successors.
 */
export function bigramSuccessors(vocabulary: ByteLevelBpeVocabulary, chains: readonly (readonly string[])[]): Map<number, number> {
  const successors = new Map<number, number>();
  for (const chain of chains) {
    for (let index = 0; index + 1 < chain.length; index++) {
      const token = vocabulary.idOf(chain[index]!);
      const next = vocabulary.idOf(chain[index + 1]!);
      const existing = successors.get(token);
      if (existing !== undefined && existing !== next) {
        throw new Error(
          `bigram conflict: ${JSON.stringify(chain[index])} is followed by both ${JSON.stringify(vocabulary.textOf(existing))} and ${JSON.stringify(chain[index + 1])}`,
        );
      }
      successors.set(token, next);
    }
  }
  return successors;
}
