/**
 * Secrets in a config file (HF_TOKEN in runtime_env.env_vars, engine_kwargs.hf_token, an api_key, an SSL key
 * password) are sent to the cluster but never printed. These helpers find them by key name and hide them in
 * anything llmserve shows: --dry-run output, build output, status, error messages.
 */

/** What a hidden value is replaced with. */
export const REDACTED = "<redacted>";

const SECRET_WORDS = new Set([
  "TOKEN",
  "KEY",
  "SECRET",
  "SECRETS",
  "PASSWORD",
  "PASSWD",
  "PASSPHRASE",
  "CREDENTIAL",
  "CREDENTIALS",
  "APIKEY",
  "AUTH",
]);

/** Values shorter than this are not scrubbed from free text: replacing "1" everywhere would only garble it. */
const MIN_SCRUB_LENGTH = 4;

/**
 * Whether a key or environment variable name holds a secret: one of its words (split on `_`, `-`, `.` and
 * camelCase) is TOKEN, KEY, SECRET, PASSWORD, CREDENTIAL(S), APIKEY or AUTH. `HF_TOKEN`, `hf_token`, `api_key`
 * and `ssl_keyfile_password` are secrets; `max_num_batched_tokens`, `tokenizer_source` and `ssl_keyfile` are not.
 */
export function isSecretKey(name: string): boolean {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .split(/[_\-.\s]+/)
    .filter((word) => word !== "");
  return words.some((word) => SECRET_WORDS.has(word.toUpperCase()));
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every string value held under a secret key anywhere in `value` (deduplicated). */
export function collectSecretValues(value: unknown): string[] {
  const found = new Set<string>();
  const visit = (node: unknown, underSecret: boolean): void => {
    if (typeof node === "string" || typeof node === "number") {
      if (underSecret) found.add(String(node));
    } else if (Array.isArray(node)) {
      for (const item of node) visit(item, underSecret);
    } else if (isPlainObject(node)) {
      for (const [key, child] of Object.entries(node)) visit(child, underSecret || isSecretKey(key));
    }
  };
  visit(value, false);
  return [...found].filter((secret) => secret !== "");
}

/** Secret-named variables of the local environment (HF_TOKEN, ...), so that they never leak through server text. */
export function secretValuesFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  return Object.entries(env)
    .filter(([name, value]) => value !== undefined && value.length >= 8 && isSecretKey(name))
    .map(([, value]) => value as string);
}

/**
 * A deep copy of `value` where every value under a secret key is replaced by {@link REDACTED}; `redactedPaths`
 * names each one (`applications[0].runtime_env.env_vars.HF_TOKEN`).
 */
export function redactConfig<T>(value: T): { redacted: T; redactedPaths: string[] } {
  const redactedPaths: string[] = [];
  const visit = (node: unknown, path: string): Json => {
    if (Array.isArray(node)) return node.map((item, index) => visit(item, `${path}[${index}]`));
    if (isPlainObject(node)) {
      const copy: { [key: string]: Json } = {};
      for (const [key, child] of Object.entries(node)) {
        const childPath = path === "" ? key : `${path}.${key}`;
        if (isSecretKey(key) && child !== null && child !== undefined && child !== "") {
          copy[key] = REDACTED;
          redactedPaths.push(childPath);
        } else {
          copy[key] = visit(child, childPath);
        }
      }
      return copy;
    }
    return node as Json;
  };
  return { redacted: visit(value, "") as T, redactedPaths };
}

/** `text` with every occurrence of each secret replaced by {@link REDACTED} (longest secrets first). */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let result = text;
  const ordered = [...new Set(secrets)].filter((s) => s.length >= MIN_SCRUB_LENGTH).sort((a, b) => b.length - a.length);
  for (const secret of ordered) result = result.split(secret).join(REDACTED);
  return result;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
