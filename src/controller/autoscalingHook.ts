import type { DeploymentSpec } from "./controllerSpec.js";

/** What the controller measures for one deployment at each control-loop tick. */
export interface AutoscalingMetrics {
  nowMs: number;
  /** Replicas ready and taking requests. */
  runningReplicas: number;
  /** The replica count the deployment is converging to. */
  targetReplicas: number;
  /** In flight on replicas (the controller's own counts). */
  ongoingRequests: number;
  /** Waiting in the controller's queue. */
  queuedRequests: number;
}

export interface AutoscalingDecision {
  targetReplicas: number;
  /** Shown in status and the log, e.g. "Upscaling from 1 to 2 replicas." */
  reason?: string;
}

/** One per deployment; may keep state (delays) between ticks. Returns undefined to keep the current target. */
export type Autoscaler = (metrics: AutoscalingMetrics) => AutoscalingDecision | undefined;

/** Creates the autoscaler of a deployment that has an autoscaling_config (`rayAutoscaler`; undefined for a fixed num_replicas). */
export type AutoscalerFactory = (spec: DeploymentSpec) => Autoscaler | undefined;
