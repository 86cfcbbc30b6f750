import type { BuildPlan } from '../build/create-build-plan.js';

export interface StartedBuild {
  id: string;
  logUrl?: string;
}

/** Cloud Build, as the worker and reconcile use it. */
export interface BuildService {
  /** Resolves once the build is created (queued), without waiting for it to run. */
  start(plan: BuildPlan): Promise<StartedBuild>;
  /** The build's current resource in REST JSON form (status as its name), or undefined if it does not exist. */
  get(id: string): Promise<unknown>;
  /** Builds that carry this build tag, in REST JSON form, so a job's builds can be found before starting another. */
  listByTag(tag: string): Promise<unknown[]>;
}
