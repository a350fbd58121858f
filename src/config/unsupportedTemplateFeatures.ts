import { Template } from "@huggingface/jinja";

/**
 * Jinja features Python's Jinja2 has (so transformers renders them) that the replica's engine (the patched
 * @huggingface/jinja) lacks, as found by rendering each construct: a template using one fails on the requests
 * that reach it.
 */
const MISSING_FEATURES: readonly { readonly pattern: RegExp; readonly feature: string }[] = [
  { pattern: /(['"])[^'"]*%[-+ #0-9.]*[sdifr][^'"]*\1\s*%\s*[\w('"[]/, feature: "'%' string formatting" },
  { pattern: /\.format\s*\(/, feature: "str.format()" },
  { pattern: /\.splitlines\s*\(/, feature: "str.splitlines()" },
  { pattern: /\.(?:append|update|extend|pop|insert)\s*\(/, feature: "list/dict methods that change the value (append, update, ...)" },
  { pattern: /loop\.cycle\s*\(/, feature: "loop.cycle()" },
  { pattern: /\|\s*(?:round|sum|max|min|batch|slice|wordcount|urlencode|center|filesizeformat|pprint|xmlattr)\b/, feature: "the filters round, sum, max, min, batch, slice, wordcount, urlencode, center, filesizeformat, pprint, xmlattr" },
  { pattern: /\bis\s+(?:not\s+)?divisibleby\b/, feature: "the test divisibleby" },
  { pattern: /\{%-?\s*(?:include|import|from|extends)\b/, feature: "include/import/extends" },
];

/**
 * What in a chat template's source the engine cannot render: a parse failure, or constructs from
 * `MISSING_FEATURES`. Empty when the template only uses what the engine renders as Python's Jinja2 does.
 */
export function unsupportedTemplateFeatures(source: string): string[] {
  try {
    new Template(source);
  } catch (error) {
    return [`syntax the engine cannot parse (${error instanceof Error ? error.message : String(error)})`];
  }
  return MISSING_FEATURES.filter(({ pattern }) => pattern.test(source)).map(({ feature }) => feature);
}
