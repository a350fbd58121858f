const PARENT_POLL_MS = 1_000;

/**
 * Calls `onGone` once when the process that started this one is gone: our ppid is no longer `parentPid` (we were
 * re-parented to init or a subreaper). Pass the ppid read as early as possible at start-up, so that a parent
 * that died while we were still loading is noticed too. Returns a function that stops watching; the timer does
 * not keep the process alive.
 */
export function watchParentProcess(parentPid: number, onGone: () => void): () => void {
  const check = (): boolean => {
    if (process.ppid === parentPid) return false;
    clearInterval(timer);
    onGone();
    return true;
  };
  const timer = setInterval(check, PARENT_POLL_MS);
  timer.unref();
  check();
  return () => clearInterval(timer);
}
