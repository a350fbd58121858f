/** Exit codes shared by every command. */
export const EXIT_OK = 0;
/** The command ran and found a problem (invalid config, failed deployment, ...). */
export const EXIT_FAILURE = 1;
/** The command line itself was wrong: unknown flag, missing file argument. */
export const EXIT_USAGE = 2;
