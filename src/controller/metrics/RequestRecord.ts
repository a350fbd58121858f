import type { CompletionFacts } from "./completionFacts.js";

/** One finished request as the controller saw it: what the access log writes and the metrics count. */
export interface RequestRecord {
  /** Unix ms when the request arrived. */
  time: number;
  requestId: string;
  method: string;
  route: string;
  /** The model id it was routed to; undefined when it never reached one (404, 401, ...). */
  model: string | undefined;
  application: string | undefined;
  deployment: string | undefined;
  /** The replica that answered (the last one tried); undefined when none was. */
  replica: string | undefined;
  /** Replicas tried (a refused connection is retried on another one). */
  attempts: number;
  status: number;
  /** The OpenAI error code the controller answered with itself (queue_full, ...). */
  errorCode: string | undefined;
  client: string;
  /** Wait in the controller's queue. */
  queueMs: number;
  /** Controller queue + replica queue + prompt processing; undefined without a first token. */
  ttftMs: number | undefined;
  totalMs: number;
  facts: CompletionFacts | undefined;
  /** The client went away before the answer ended. */
  aborted: boolean;
}
