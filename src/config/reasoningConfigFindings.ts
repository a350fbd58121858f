import { reasoningParserDefinition, reasoningParserNames } from "../reasoning/createReasoningParser.js";
import type { ConfigTarget } from "./ResolvedConfig.js";
import { errorAt, type Finding } from "./Finding.js";
import { llmConfigsOf, recordAt } from "./walkConfig.js";

const START = "reasoning_start_str";
const END = "reasoning_end_str";

/** The implemented parsers that split on a start/end tag pair, which `reasoning_config`'s strings replace. */
function tagParsers(): string[] {
  return reasoningParserNames.filter((name) => reasoningParserDefinition(name).configurableTags === true);
}

/**
 * `engine_kwargs.reasoning_config` rules (the schema checks the types): both strings or neither, two different
 * strings, and a parser name that agrees with `engine_kwargs.reasoning_parser`. Locally, the strings must go with
 * a parser that splits on a tag pair.
 */
export function reasoningConfigFindings(root: unknown, target: ConfigTarget): Finding[] {
  const findings: Finding[] = [];
  for (const { llmConfig, llmSegments } of llmConfigsOf(root)) {
    const kwargs = recordAt(llmConfig, "engine_kwargs");
    const config = recordAt(kwargs, "reasoning_config");
    if (kwargs === undefined || config === undefined) continue;
    const base = [...llmSegments, "engine_kwargs", "reasoning_config"];
    const start = config[START];
    const end = config[END];
    const hasStart = typeof start === "string";
    const hasEnd = typeof end === "string";
    if (hasStart !== hasEnd) {
      const [given, missing] = hasStart ? [START, END] : [END, START];
      findings.push(errorAt([...base, given], `reasoning_config sets ${given} but not ${missing}; give both`, "key"));
    } else if (hasStart && start === end) {
      findings.push(errorAt([...base, END], `${END} must differ from ${START} (both are '${String(start)}')`));
    }
    const inner = config["reasoning_parser"];
    const outer = kwargs["reasoning_parser"];
    if (typeof inner === "string" && typeof outer === "string" && inner !== outer) {
      findings.push(
        errorAt([...base, "reasoning_parser"], `reasoning_config.reasoning_parser '${inner}' differs from engine_kwargs.reasoning_parser '${outer}'`),
      );
    }
    const parser = typeof outer === "string" ? outer : inner;
    if (target !== "local" || !hasStart || typeof parser !== "string" || !reasoningParserNames.includes(parser)) continue;
    if (reasoningParserDefinition(parser).configurableTags !== true) {
      findings.push(
        errorAt(
          [...base, START],
          `reasoning_config's strings replace the tags of a think-tag reasoning parser, but '${parser}' splits on ` +
            `its own markers; use one of ${tagParsers().join(", ")}, or leave reasoning_parser out (deepseek_r1's rules)`,
          "key",
        ),
      );
    }
  }
  return findings;
}
