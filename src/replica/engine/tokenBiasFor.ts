import { TokenBias, type LlamaModel, type Token } from "node-llama-cpp";

/** OpenAI `logit_bias` (token id as a decimal string to -100..100; -100 or below bans) plus tokens to ban. */
export function tokenBiasFor(
  model: LlamaModel,
  logitBias: Readonly<Record<string, number>> | undefined,
  banned: readonly Token[] = [],
): TokenBias {
  const bias = new TokenBias(model.tokenizer);
  for (const [token, value] of Object.entries(logitBias ?? {})) {
    bias.set(Number(token) as Token, value <= -100 ? "never" : { logit: value });
  }
  for (const token of banned) bias.set(token, "never");
  return bias;
}

/**
 * A `tokenBias` function for `sequence.evaluate` (called before each token is sampled): the request's logit bias,
 * plus a ban on whatever `bannedAfter` names for the latest generated token. Rebuilt only when the ban changes.
 */
export function dynamicTokenBias(
  model: LlamaModel,
  logitBias: Readonly<Record<string, number>> | undefined,
  generated: () => readonly Token[],
  bannedAfter: (previous: Token) => readonly Token[],
): () => TokenBias {
  const base = tokenBiasFor(model, logitBias);
  let cached: { banned: readonly Token[]; bias: TokenBias } | undefined;
  return () => {
    const previous = generated().at(-1);
    const banned = previous === undefined ? [] : bannedAfter(previous);
    if (banned.length === 0) return base;
    if (cached?.banned !== banned) cached = { banned, bias: tokenBiasFor(model, logitBias, banned) };
    return cached.bias;
  };
}
