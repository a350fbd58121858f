/** The controller could not hand a request to a replica: its queue is full, or no replica freed up in time. */
export class NoReplicaAvailableError extends Error {
  public readonly code: "queue_full" | "queue_timeout";

  public constructor(message: string, code: "queue_full" | "queue_timeout") {
    super(message);
    this.name = "NoReplicaAvailableError";
    this.code = code;
  }
}
