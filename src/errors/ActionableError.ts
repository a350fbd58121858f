/**
 * An error caused by the user's input or environment, whose message already says what to do.
 * The CLI prints only its message (never a stack) and exits with `exitCode`.
 */
export class ActionableError extends Error {
  public readonly exitCode: number;

  public constructor(message: string, exitCode = 1) {
    super(message);
    this.name = "ActionableError";
    this.exitCode = exitCode;
  }
}
