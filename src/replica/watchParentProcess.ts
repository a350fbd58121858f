const PARENT_POLL_MS = 1_000;

/**
 * Calls `onGone` once when the process that started this one is gone (our ppid changes: we were re-parented to
 * init or a subreaper). Returns a function that stops watching. The timer does not keep the process alive.
 */
export function watchParentProcess(onGone: () => void): () => void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid !== parent) {
      clearInterval(timer);
      onGone();
    }
  }, PARENT_POLL_MS);
  timer.unref();
  return () => clearInterval(timer);
}
