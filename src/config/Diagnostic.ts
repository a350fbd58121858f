/** One problem found in a config file. Lines and columns are 1-based. */
export interface Diagnostic {
  /** The file the problem is in: the path as given for the main file, or an included llm_config file. */
  file: string;
  line: number;
  column: number;
  severity: "error" | "warning";
  /** Where in the config the problem is, e.g. `applications[0].args.llm_configs[1].engine_kwargs.reasoning_parser`. */
  path: string;
  message: string;
}
