/**
 * The per-instance secret the controller hands its replicas (in their environment, readable only by the same user)
 * and sends on every proxied request, so a replica's own 127.0.0.1 port is no way around the controller's API key.
 */
export const REPLICA_TOKEN_ENV = "LLMSERVE_REPLICA_TOKEN";
export const REPLICA_TOKEN_HEADER = "x-llmserve-replica-token";
