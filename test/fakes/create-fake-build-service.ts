import type { BuildPlan } from '../../shared/build/create-build-plan.js';
import type { BuildService, StartedBuild } from '../../shared/ports/build-service.js';

export interface FakeBuild {
  id: string;
  status: string;
  tags: string[];
  substitutions: Record<string, string>;
  createTime: string;
  logUrl: string;
  results?: { buildStepOutputs: string[] };
  steps?: Array<{ id: string; name?: string; status?: string }>;
  /** As the plan asked; Cloud Build reports it as `projects/P/serviceAccounts/EMAIL`. */
  serviceAccount?: string;
  /** The plan it was created from, for tests to read what was asked. */
  plan?: BuildPlan;
}

export interface FakeBuildService extends BuildService {
  builds: FakeBuild[];
  /** Makes the next `start` calls reject, as an unreachable Cloud Build would. */
  failStarts(times: number): void;
  /** Runs after a build is created and before `start` resolves: a test can crash the worker there. */
  afterCreate: (build: FakeBuild) => Promise<void> | void;
}

/** Cloud Build as an in-memory list: builds are created QUEUED and never run by themselves. */
export function createFakeBuildService(): FakeBuildService {
  let failures = 0;
  const service: FakeBuildService = {
    builds: [],
    failStarts: (times) => (failures = times),
    afterCreate: () => {},
    async start(plan: BuildPlan): Promise<StartedBuild> {
      if (failures > 0) {
        failures--;
        throw new Error('Cloud Build is unavailable (fake)');
      }
      const id = `build-${service.builds.length + 1}`;
      const build: FakeBuild = {
        id,
        status: 'QUEUED',
        tags: [...plan.tags],
        substitutions: { ...plan.substitutions },
        createTime: new Date(Date.UTC(2024, 0, 1, 0, 0, service.builds.length)).toISOString(),
        logUrl: `https://console.cloud.google.com/cloud-build/builds/${id}`,
        steps: plan.steps.map((step) => ({ id: step.id, name: step.name })),
        ...(plan.serviceAccount ? { serviceAccount: plan.serviceAccount } : {}),
        plan: structuredClone(plan),
      };
      service.builds.push(build);
      await service.afterCreate(build);
      return { id, logUrl: build.logUrl };
    },
    async get(id: string): Promise<unknown> {
      return structuredClone(service.builds.find((build) => build.id === id));
    },
    async listByTag(tag: string): Promise<unknown[]> {
      return service.builds
        .filter((build) => build.tags.includes(tag))
        .reverse()
        .map((build) => structuredClone(build));
    },
  };
  return service;
}
