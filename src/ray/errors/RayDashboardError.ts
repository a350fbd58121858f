import { ActionableError } from "../../errors/ActionableError.js";

/** Why a request to the Ray dashboard failed; each kind has one clear message. */
export type RayDashboardErrorKind =
  | "bad-address"
  | "connection-refused"
  | "unreachable"
  | "timeout"
  | "not-dashboard"
  | "no-serve-api"
  | "rejected"
  | "serve-not-installed"
  | "controller-unavailable"
  | "http-error";

/** A failed exchange with the Ray dashboard. The message already says what to do; secrets are scrubbed from it. */
export class RayDashboardError extends ActionableError {
  public readonly kind: RayDashboardErrorKind;

  public constructor(kind: RayDashboardErrorKind, message: string) {
    super(message);
    this.name = "RayDashboardError";
    this.kind = kind;
  }
}
