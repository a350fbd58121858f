/**
 * A request was refused because every replica is at max_ongoing_requests and max_queued_requests are already
 * waiting. The proxy answers it with HTTP 503 and an OpenAI-style error carrying this message.
 */
export class QueueFullError extends Error {
  public readonly maxQueuedRequests: number;

  public constructor(maxQueuedRequests: number) {
    super(
      `too many requests: all replicas are at max_ongoing_requests and ${maxQueuedRequests} requests are already queued (max_queued_requests); retry later`,
    );
    this.name = "QueueFullError";
    this.maxQueuedRequests = maxQueuedRequests;
  }
}
