import { byteToUnicodeTable, GGUF_TOKEN_TYPE, type ByteLevelBpeVocabulary } from "./byteLevelBpeVocabulary.js";
import { qwen2PreTokenize } from "./qwen2PreTokenize.js";

export interface TokenizeOptions {
  /** Parse control tokens such as `<|im_start|>` in the text (llama.cpp `parse_special`). User-defined tokens
   * such as `<think>` are always parsed. Defaults to true (how a rendered chat prompt is tokenized). */
  readonly special?: boolean;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Byte-pair merges by rank over one pre-tokenized piece (already mapped to byte characters). */
function mergePiece(symbols: string[], ranks: ReadonlyMap<string, number>): string[] {
  for (;;) {
    let best = -1;
    let bestRank = Infinity;
    for (let index = 0; index + 1 < symbols.length; index++) {
      const rank = ranks.get(`${symbols[index]} ${symbols[index + 1]}`);
      if (rank !== undefined && rank < bestRank) {
        bestRank = rank;
        best = index;
      }
    }
    if (best < 0) return symbols;
    symbols.splice(best, 2, symbols[best]! + symbols[best + 1]!);
  }
}

/**
 * Tokenizes text exactly as llama.cpp does for these generated vocabularies (byte-level BPE, `qwen2`
 * pre-tokenizer, no BOS): an independent oracle for prompt token counts.
 */
export function tokenizeByteLevelBpe(vocabulary: ByteLevelBpeVocabulary, text: string, options: TokenizeOptions = {}): number[] {
  const special = options.special ?? true;
  const table = byteToUnicodeTable();
  const idByToken = new Map(vocabulary.tokens.map((token, id) => [token, id]));
  const ranks = new Map(vocabulary.merges.map((merge, rank) => [merge, rank]));
  const specialIds = new Map<string, number>();
  vocabulary.tokenTypes.forEach((type, id) => {
    if (type === GGUF_TOKEN_TYPE.userDefined || (special && type === GGUF_TOKEN_TYPE.control)) specialIds.set(vocabulary.tokens[id]!, id);
  });
  const specialTexts = [...specialIds.keys()].sort((a, b) => b.length - a.length);
  const fragments = specialTexts.length === 0 ? [text] : text.split(new RegExp(`(${specialTexts.map(escapeRegExp).join("|")})`));

  const ids: number[] = [];
  fragments.forEach((fragment, index) => {
    if (index % 2 === 1 && specialTexts.length > 0) {
      ids.push(specialIds.get(fragment)!);
      return;
    }
    for (const piece of qwen2PreTokenize(fragment)) {
      const symbols = [...Buffer.from(piece, "utf8")].map((byte) => table[byte]!);
      for (const symbol of mergePiece(symbols, ranks)) {
        const id = idByToken.get(symbol);
        if (id === undefined) throw new Error(`merged symbol ${symbol} is not in the vocabulary`);
        ids.push(id);
      }
    }
  });
  return ids;
}
