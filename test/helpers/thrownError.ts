/** The error `run` throws, which must be a `type`: another error is rethrown, and no error at all fails the test. */
export function thrownError<E extends Error>(run: () => unknown, type: abstract new (...args: never[]) => E): E {
  try {
    run();
  } catch (error) {
    if (error instanceof type) return error;
    throw error;
  }
  throw new Error(`expected a ${type.name}`);
}
