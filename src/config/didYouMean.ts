/**
 * The candidate closest to `input` when it is close enough to be a likely typo
 * (`max_replica` -> `max_replicas`, `max-replicas` -> `max_replicas`, `Qwen3` -> `qwen3`), else undefined.
 */
export function didYouMean(input: string, candidates: readonly string[]): string | undefined {
  const normalized = normalize(input);
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    if (candidate === input) continue;
    const distance = normalize(candidate) === normalized ? 0 : editDistance(normalized, normalize(candidate));
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (best === undefined) return undefined;
  const allowed = Math.max(1, Math.min(3, Math.floor(input.length / 4)));
  if (bestDistance <= allowed) return best;
  // A prefix of a longer name is a likely truncation (`qwen` -> `qwen3`, `deepseek` -> `deepseek_r1`).
  if (normalized.length >= 3) {
    const prefixed = candidates.filter((c) => normalize(c).startsWith(normalized));
    if (prefixed.length === 1) return prefixed[0];
  }
  return undefined;
}

function normalize(text: string): string {
  return text.toLowerCase().replace(/-/g, "_");
}

/** Damerau-Levenshtein distance (optimal string alignment): a swap of two neighbours counts as one edit. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, d[i - 2]![j - 2]! + 1);
      d[i]![j] = value;
    }
  }
  return d[a.length]![b.length]!;
}
