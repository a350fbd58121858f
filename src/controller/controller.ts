import type { ApplySummary } from "../protocol/adminApi.js";
import type { AutoscalerFactory } from "./autoscalingHook.js";
import { applicationStatus } from "./applicationStatus.js";
import type { ApplicationRecord, ControllerRecord, ControllerState } from "../protocol/ControllerState.js";
import type { ApplicationSpec, ControllerSpec, DeploymentSpec } from "./controllerSpec.js";
import { createDeployment, type Deployment, type DeploymentDeps } from "./deployment.js";
import type { Placement } from "./placement.js";
import type { RouteApp } from "./router.js";
import type { ServingTable } from "./controllerServer.js";

/** What the controller needs from its daemon: exactly what each of its deployments needs. */
export type ControllerDeps = DeploymentDeps;

interface App {
  name: string;
  routePrefix: string | null;
  lastDeployedTimeS: number;
  deleting: boolean;
  deployments: Map<string, Deployment>;
  /** Deployments removed from the app by an apply, still draining. */
  retired: Set<Deployment>;
}

/** What an apply did, per application: for the `run` that asked and for the log. */

export interface Controller extends ServingTable {
  /** Declarative, as Ray: apps not in `spec` are removed, changed ones redeployed, unchanged ones untouched. */
  apply: (spec: ControllerSpec) => ApplySummary;
  /** The spec of the last apply. */
  spec: () => ControllerSpec | undefined;
  /** True while some deployment of the last apply is still deploying. */
  applying: () => boolean;
  record: (controller: ControllerRecord) => ControllerState;
  tick: (nowMs: number) => void;
  /** Drains and stops every replica (deployments in parallel). Resolves false when something survived SIGKILL. */
  stopAll: () => Promise<boolean>;
  killAllNow: () => void;
  /** Longest graceful_shutdown_timeout_s of any deployment, in ms. */
  gracefulTimeoutMs: () => number;
}

export function createController(deps: ControllerDeps): Controller {
  const apps = new Map<string, App>();
  let current: ControllerSpec | undefined;

  const newDeployment = (spec: DeploymentSpec): Deployment => {
    const deployment = createDeployment(spec, { ...deps });
    deployment.start();
    return deployment;
  };

  const removeApp = (app: App): void => {
    if (app.deleting) return;
    app.deleting = true;
    deps.log(`application ${app.name}: deleting`);
    void Promise.all([...app.deployments.values()].map((d) => d.delete())).then(() => {
      if (apps.get(app.name) === app) apps.delete(app.name);
      deps.log(`application ${app.name}: deleted`);
      deps.onChange();
    });
  };

  const applyApp = (spec: ApplicationSpec, now: number, summary: ApplySummary): void => {
    const existing = apps.get(spec.name);
    if (existing === undefined || existing.deleting) {
      const deployments = new Map(spec.deployments.map((d) => [d.modelId, newDeployment(d)] as const));
      apps.set(spec.name, { name: spec.name, routePrefix: spec.routePrefix, lastDeployedTimeS: now, deleting: false, deployments, retired: new Set() });
      summary.created.push(spec.name);
      return;
    }
    const changed = updateApp(existing, spec, deps, newDeployment);
    if (changed) existing.lastDeployedTimeS = now;
    (changed ? summary.updated : summary.unchanged).push(spec.name);
  };

  return {
    apply: (spec) => {
      const now = Date.now() / 1000;
      const summary: ApplySummary = { created: [], updated: [], unchanged: [], removed: [] };
      const wanted = new Set(spec.applications.map((a) => a.name));
      for (const app of apps.values()) {
        if (!wanted.has(app.name) && !app.deleting) {
          removeApp(app);
          summary.removed.push(app.name);
        }
      }
      for (const appSpec of spec.applications) applyApp(appSpec, now, summary);
      current = spec;
      deps.log(
        `applied ${spec.configPath}: created [${summary.created.join(", ")}], updated [${summary.updated.join(", ")}], ` +
          `unchanged [${summary.unchanged.join(", ")}], removed [${summary.removed.join(", ")}]`,
      );
      deps.onChange();
      return summary;
    },
    spec: () => current,
    applying: () =>
      [...apps.values()].some((app) => !app.deleting && [...app.deployments.values()].some((d) => d.phase() === "deploying")),
    record: (controller) => ({
      version: 1,
      controller,
      applications: [...apps.values()].map((app): ApplicationRecord => {
        const deployments = [...app.deployments.values(), ...app.retired].map((d) => d.record());
        return {
          name: app.name,
          routePrefix: app.routePrefix,
          ...applicationStatus(app.deleting, deployments),
          lastDeployedTimeS: app.lastDeployedTimeS,
          deployments,
        };
      }),
      updatedAt: Date.now() / 1000,
    }),
    tick: (nowMs) => {
      for (const app of apps.values()) for (const deployment of app.deployments.values()) deployment.tick(nowMs);
    },
    stopAll: async () => {
      const all = [...apps.values()].flatMap((app) => {
        app.deleting = true;
        return [...app.deployments.values(), ...app.retired];
      });
      const results = await Promise.all(all.map((deployment) => deployment.delete()));
      apps.clear();
      return results.every(Boolean);
    },
    killAllNow: () => {
      for (const app of apps.values()) {
        for (const deployment of [...app.deployments.values(), ...app.retired]) deployment.killNow();
      }
    },
    gracefulTimeoutMs: () =>
      Math.max(
        0,
        ...[...apps.values()].flatMap((app) => [...app.deployments.values()].map((d) => d.spec().gracefulShutdownTimeoutMs)),
      ),
    routes: (): RouteApp[] =>
      [...apps.values()]
        .filter((app) => !app.deleting)
        .map((app) => ({ name: app.name, routePrefix: app.routePrefix, modelIds: [...app.deployments.keys()] })),
    deployment: (appName, modelId) => {
      const app = apps.get(appName);
      return app === undefined || app.deleting ? undefined : app.deployments.get(modelId);
    },
  };
}

/** Brings a running application to `spec`: deployments removed (drained), added, updated. True when anything changed. */
function updateApp(existing: App, spec: ApplicationSpec, deps: ControllerDeps, newDeployment: (spec: DeploymentSpec) => Deployment): boolean {
  let changed = existing.routePrefix !== spec.routePrefix;
  existing.routePrefix = spec.routePrefix;
  const wanted = new Set(spec.deployments.map((d) => d.modelId));
  for (const [modelId, deployment] of existing.deployments) {
    if (wanted.has(modelId)) continue;
    existing.deployments.delete(modelId);
    existing.retired.add(deployment);
    void deployment.delete().then(() => {
      existing.retired.delete(deployment);
      deps.onChange();
    });
    changed = true;
  }
  for (const deploymentSpec of spec.deployments) {
    const deployment = existing.deployments.get(deploymentSpec.modelId);
    if (deployment === undefined) {
      existing.deployments.set(deploymentSpec.modelId, newDeployment(deploymentSpec));
      changed = true;
    } else if (deployment.update(deploymentSpec) !== "unchanged") {
      changed = true;
    }
  }
  return changed;
}
