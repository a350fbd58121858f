/** `tool_call_parser` names a format this server does not implement; the message lists the known names. */
export class UnknownToolCallParserError extends Error {
  public readonly parserName: string;

  public constructor(parserName: string, knownNames: readonly string[]) {
    super(`Unknown tool_call_parser "${parserName}". Known parsers: ${knownNames.join(", ")}.`);
    this.name = "UnknownToolCallParserError";
    this.parserName = parserName;
  }
}
