/** When a generation passed its milestones (performance.now() ms), for llama-server's `timings` object. */
export interface GenerationTimings {
  /** runGeneration was called. */
  readonly receivedAt: number;
  /** A sequence was assigned (the replica's own queue is behind). */
  readonly startedAt: number;
  /** The first token was sampled; undefined when none was. */
  readonly firstTokenAt: number | undefined;
  readonly endedAt: number;
}
