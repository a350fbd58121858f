/** `createReasoningParser` was given a name it does not know; the message lists the known names. */
export class UnknownReasoningParserError extends Error {
  public readonly parserName: string;
  public readonly knownNames: readonly string[];

  public constructor(parserName: string, knownNames: readonly string[]) {
    super(`Unknown reasoning parser "${parserName}". Known reasoning parsers: ${knownNames.join(", ")}.`);
    this.name = "UnknownReasoningParserError";
    this.parserName = parserName;
    this.knownNames = knownNames;
  }
}
