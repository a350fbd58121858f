/** The replica refused or dropped the connection before it saw the request: safe to retry on another replica. */
export class ReplicaUnreachableError extends Error {
  public constructor(baseUrl: string, cause: unknown) {
    super(`replica at ${baseUrl} is unreachable: ${(cause as Error).message}`);
    this.name = "ReplicaUnreachableError";
  }
}
