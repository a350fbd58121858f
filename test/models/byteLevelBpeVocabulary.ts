/** GGUF token types (llama.cpp `llama_token_type`). */
export const GGUF_TOKEN_TYPE = { normal: 1, control: 3, userDefined: 4 } as const;

export interface SpecialTokenDefinition {
  readonly text: string;
  /** `control` tokens (like `<|im_end|>`) are only parsed from text in special mode and hidden when detokenizing
   * without specials; `userDefined` ones (like Qwen3's `<think>`) are always parsed and always shown. */
  readonly kind: "control" | "userDefined";
}

export interface ByteLevelBpeVocabularyOptions {
  /** Texts that must be single tokens, reachable by BPE: a left-to-right merge chain is added for each. */
  readonly words: readonly string[];
  /** Texts added as single tokens without merges (the tokenizer never produces them; a model may emit them). */
  readonly unmergedTokens?: readonly string[];
  /** Added after everything else, in order. */
  readonly specialTokens: readonly SpecialTokenDefinition[];
}

/** A GPT-2 style byte-level BPE vocabulary: ids 0-255 are the 256 bytes, then merged tokens, then specials. */
export interface ByteLevelBpeVocabulary {
  /** Token strings as GGUF stores them (bytes mapped to printable characters, specials verbatim). */
  readonly tokens: readonly string[];
  readonly tokenTypes: readonly number[];
  /** Merge rules in rank order, `"left right"`. */
  readonly merges: readonly string[];
  /** Id of the token whose decoded text is `text`; throws when there is none. */
  idOf(text: string): number;
  /** Decoded text of a token. */
  textOf(id: number): string;
}

/** GPT-2's reversible byte to printable-character map (`bytes_to_unicode`). */
export function byteToUnicodeTable(): readonly string[] {
  const table: string[] = new Array(256);
  const printable = (b: number): boolean => (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  let next = 0;
  for (let b = 0; b < 256; b++) table[b] = String.fromCodePoint(printable(b) ? b : 256 + next++);
  return table;
}

/** Encodes text the way byte-level BPE vocabularies store it (`" hi\n"` becomes `"ĠhiĊ"`). */
export function encodeByteLevel(text: string, table: readonly string[] = byteToUnicodeTable()): string {
  return [...Buffer.from(text, "utf8")].map((b) => table[b]!).join("");
}

export function buildByteLevelBpeVocabulary(options: ByteLevelBpeVocabularyOptions): ByteLevelBpeVocabulary {
  const table = byteToUnicodeTable();
  const tokens: string[] = [...table];
  const tokenTypes: number[] = table.map(() => GGUF_TOKEN_TYPE.normal);
  const texts: string[] = table.map((_, b) => Buffer.from([b]).toString("latin1"));
  const idByText = new Map<string, number>();
  const idByToken = new Map<string, number>(tokens.map((token, id) => [token, id]));
  const merges: string[] = [];
  const mergeSet = new Set<string>();
  const rawBytesText = (bytes: Buffer): string => bytes.toString("latin1");

  const addToken = (token: string, text: string, type: number): number => {
    const existing = idByToken.get(token);
    if (existing !== undefined) return existing;
    const id = tokens.length;
    tokens.push(token);
    tokenTypes.push(type);
    texts.push(text);
    idByToken.set(token, id);
    return id;
  };

  for (const word of options.words) {
    const bytes = Buffer.from(word, "utf8");
    if (bytes.length < 2) continue;
    let prefix = table[bytes[0]!]!;
    for (let index = 1; index < bytes.length; index++) {
      const next = table[bytes[index]!]!;
      const rule = `${prefix} ${next}`;
      if (!mergeSet.has(rule)) {
        mergeSet.add(rule);
        merges.push(rule);
      }
      prefix += next;
      addToken(prefix, rawBytesText(bytes.subarray(0, index + 1)), GGUF_TOKEN_TYPE.normal);
    }
  }
  for (const text of options.unmergedTokens ?? []) {
    addToken(encodeByteLevel(text, table), rawBytesText(Buffer.from(text, "utf8")), GGUF_TOKEN_TYPE.normal);
  }
  for (const special of options.specialTokens) {
    if (idByToken.has(special.text)) throw new Error(`special token ${special.text} is already in the vocabulary`);
    addToken(special.text, rawBytesText(Buffer.from(special.text, "utf8")), GGUF_TOKEN_TYPE[special.kind]);
  }
  // `texts` holds latin1 views of the raw bytes; decode them back to JS strings for lookups by text.
  texts.forEach((raw, id) => {
    const text = Buffer.from(raw, "latin1").toString("utf8");
    if (!idByText.has(text) || tokenTypes[id] !== GGUF_TOKEN_TYPE.normal) idByText.set(text, id);
  });

  return {
    tokens,
    tokenTypes,
    merges,
    idOf(text) {
      const id = idByText.get(text);
      if (id === undefined) throw new Error(`no token for ${JSON.stringify(text)}`);
      return id;
    },
    textOf(id) {
      const raw = texts[id];
      if (raw === undefined) throw new Error(`no token ${id}`);
      return Buffer.from(raw, "latin1").toString("utf8");
    },
  };
}
