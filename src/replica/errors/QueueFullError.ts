/** Every sequence is busy and the wait queue already holds its maximum: the request is answered 503. */
export class QueueFullError extends Error {
  public constructor(maxQueued: number) {
    super(`the replica is at capacity: every slot is busy and ${maxQueued} requests are already waiting; retry later`);
    this.name = "QueueFullError";
  }
}
