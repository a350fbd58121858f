/** Durations (ms) of llmserve's Ray dashboard client. */

/** Default time budget of one request to the dashboard. */
export const DASHBOARD_TIMEOUT_MS = 30_000;
