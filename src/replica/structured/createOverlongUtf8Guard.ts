import type { LlamaModel, Token } from "node-llama-cpp";

/** Bans the tokens that would complete an overlong UTF-8 sequence; see `createOverlongUtf8Guard`. */
export interface OverlongUtf8Guard {
  /** The tokens that must not follow `previous` (empty unless `previous` ends with a bare E0 or F0 lead byte). */
  bannedAfter(previous: Token): readonly Token[];
}

/** A bare lead byte, and the first bytes after it that would make the sequence overlong (so invalid UTF-8). */
const OVERLONG_AFTER: ReadonlyMap<number, readonly [number, number]> = new Map([
  [0xe0, [0x80, 0x9f]], // E0 80–9F xx encodes U+0000–U+07FF in 3 bytes
  [0xf0, [0x80, 0x8f]], // F0 80–8F xx xx encodes U+0000–U+FFFF in 4 bytes
]);

/**
 * The one kind of invalid UTF-8 a grammar cannot keep out. llama.cpp's grammar tracks a split character as (value
 * so far, bytes still missing): after `E0 9F` that state equals the one after `DF`, so the grammar accepts `E0 9F BF`
 * as U+07FF, which decoders turn into three U+FFFD. (Invalid lead bytes, surrogates and values beyond U+10FFFF are
 * refused by the grammar's positive character classes; lone continuation bytes by llama.cpp itself.) With a
 * byte-level vocabulary a model can emit the lead byte and the bad continuation as two tokens, so the sampler bans
 * the continuation tokens right after a token that ends with a bare E0/F0 lead.
 *
 * Token bytes come from the GGUF vocabulary (byte-level BPE and SentencePiece byte tokens); other vocabulary types
 * are left unguarded. The vocabulary is scanned only the first time a bare lead byte is generated.
 */
export function createOverlongUtf8Guard(model: LlamaModel): OverlongUtf8Guard {
  const decode = tokenByteDecoder(model);
  const bannedByLead = new Map<number, readonly Token[]>();
  const banned = (lead: number, [low, high]: readonly [number, number]): readonly Token[] => {
    let tokens = bannedByLead.get(lead);
    if (tokens === undefined) {
      const found: Token[] = [];
      for (let id = 0; id < decode.size; id++) {
        const first = decode.bytes(id)?.[0];
        if (first !== undefined && first >= low && first <= high) found.push(id as Token);
      }
      tokens = found;
      bannedByLead.set(lead, tokens);
    }
    return tokens;
  };
  return {
    bannedAfter(previous: Token): readonly Token[] {
      const bytes = decode.bytes(previous);
      const last = bytes?.[bytes.length - 1];
      const range = last === undefined ? undefined : OVERLONG_AFTER.get(last);
      return last === undefined || range === undefined ? [] : banned(last, range);
    },
  };
}

interface TokenByteDecoder {
  readonly size: number;
  /** The bytes a token stands for, or undefined when they are not known (special tokens, unknown vocabularies). */
  bytes(token: number): Uint8Array | undefined;
}

const NORMAL = 1;
const BYTE = 6;

function tokenByteDecoder(model: LlamaModel): TokenByteDecoder {
  const ggml = (model.fileInfo.metadata as { tokenizer?: { ggml?: { tokens?: readonly string[]; token_type?: readonly number[] } } })
    .tokenizer?.ggml;
  const texts = ggml?.tokens ?? [];
  const types = ggml?.token_type ?? [];
  const type = model.vocabularyType as string;
  if (type === "bpe") {
    const byteOf = new Map(byteLevelTable().map((char, byte) => [char, byte]));
    return {
      size: texts.length,
      bytes(token) {
        const text = texts[token];
        if (text === undefined || (types[token] ?? NORMAL) !== NORMAL) return undefined;
        const out = new Uint8Array(text.length);
        let length = 0;
        for (const char of text) {
          const byte = byteOf.get(char);
          if (byte === undefined) return undefined;
          out[length++] = byte;
        }
        return out.subarray(0, length);
      },
    };
  }
  if (type === "spm") {
    return {
      size: texts.length,
      bytes(token) {
        const text = texts[token];
        const kind = types[token] ?? NORMAL;
        if (text === undefined) return undefined;
        if (kind === BYTE) {
          const match = /^<0x([0-9A-Fa-f]{2})>$/.exec(text);
          return match === null ? undefined : Uint8Array.of(parseInt(match[1] as string, 16));
        }
        return kind === NORMAL ? new TextEncoder().encode(text.replaceAll("\u2581", " ")) : undefined;
      },
    };
  }
  return { size: 0, bytes: () => undefined };
}

/** GPT-2's byte to printable-character map (`bytes_to_unicode`), which byte-level BPE vocabularies are stored in. */
function byteLevelTable(): string[] {
  const printable = (b: number): boolean => (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  const table: string[] = [];
  let next = 0;
  for (let b = 0; b < 256; b++) table.push(String.fromCodePoint(printable(b) ? b : 256 + next++));
  return table;
}
