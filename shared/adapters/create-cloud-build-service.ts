import type { CloudBuildClient } from '@google-cloud/cloudbuild';
import type { BuildPlan } from '../build/create-build-plan.js';
import type { BuildService, StartedBuild } from '../ports/build-service.js';
import { createCloudBuildClient } from './create-cloud-build-client.js';

export interface CloudBuildServiceOptions {
  projectId: string;
  /** Unset: Google's Cloud Build API; set: another host speaking its REST API (the local stand-in). */
  endpoint?: string | undefined;
}

/** BuildService on Cloud Build. It never awaits `operation.promise()`, which would wait for the whole build. */
export function createCloudBuildService({ projectId, endpoint }: CloudBuildServiceOptions): BuildService {
  let client: Promise<CloudBuildClient> | undefined;
  const connect = (): Promise<CloudBuildClient> =>
    (client ??= createCloudBuildClient(endpoint ? { endpoint } : {}).catch((error: unknown) => {
      client = undefined;
      throw error;
    }));
  return {
    async start(plan: BuildPlan): Promise<StartedBuild> {
      const [operation] = await (await connect()).createBuild({ projectId, build: plan });
      const build = (operation.metadata as { build?: { id?: string | null; logUrl?: string | null } } | null)
        ?.build;
      if (!build?.id) throw new Error('Cloud Build answered without a build id in the operation metadata');
      return { id: build.id, ...(build.logUrl ? { logUrl: build.logUrl } : {}) };
    },
    async get(id: string): Promise<unknown> {
      try {
        const [build] = await (await connect()).getBuild({ projectId, id });
        return build;
      } catch (error) {
        if ((error as { code?: unknown }).code === 5 || (error as { code?: unknown }).code === 404)
          return undefined;
        throw error;
      }
    },
    async listByTag(tag: string): Promise<unknown[]> {
      const [builds] = await (await connect()).listBuilds({ projectId, filter: `tags="${tag}"` });
      return builds;
    },
  };
}
