/** Another live llmserve controller holds $LLMSERVE_HOME/state.lock. */
export class StateLockHeldError extends Error {
  public readonly holderPid: number;

  public constructor(lockPath: string, holderPid: number) {
    super(`another llmserve controller (pid ${holderPid}) is running or starting; it holds ${lockPath}`);
    this.name = "StateLockHeldError";
    this.holderPid = holderPid;
  }
}
