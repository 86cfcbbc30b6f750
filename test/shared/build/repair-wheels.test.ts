import { mkdir, mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createBuildPlan } from '../../../shared/build/create-build-plan.js';
import { RepositoryConfig } from '../../../shared/config/repository-config.js';
import { createUpstreamRepository } from '../../../local/demo/create-upstream-repository.js';
import type { ProjectFiles } from '../../../local/demo/sample-project.js';
import { sampleCExtensionProject, sampleUnvendorableProject } from '../../fixtures/compiled-projects.js';
import { runPlanSteps } from './run-plan-steps.js';

let upstreams: string;

beforeAll(async () => {
  upstreams = await mkdtemp(join(tmpdir(), 'pkgrelay-repair-'));
});

async function buildTag(repository: string, files: ProjectFiles, isolation: boolean) {
  await createUpstreamRepository(join(upstreams, 'git'), repository, [{ files, tag: 'v1.0.0' }]);
  const plan = createBuildPlan({
    projectId: 'p',
    repository,
    tag: 'v1.0.0',
    version: '1.0.0',
    attempt: 1,
    repo: RepositoryConfig.parse({ repository }),
    upstreamBase: `file://${join(upstreams, 'git')}`,
    registryUrl: 'http://127.0.0.1:9/unused/',
    isolation,
    registryAuth: 'none',
    timeoutSeconds: 600,
    stagingLocation: 'gs://staging/test/',
  });
  const workspace = join(upstreams, 'work', repository);
  await mkdir(workspace, { recursive: true });
  const runs = await runPlanSteps(plan, workspace, { until: 'build' });
  const dist = await readdir(join(workspace, 'dist')).catch(() => [] as string[]);
  return { last: runs.at(-1), dist: dist.sort() };
}

describe('the build step repairs platform wheels with auditwheel', () => {
  it('refuses a linux-only wheel offline, where auditwheel is not installed, saying what fixes it', async () => {
    const { last } = await buildTag(
      'repair/offline',
      sampleCExtensionProject('rp-off', 'rp_off', '1.0.0'),
      false,
    );
    expect(last?.id).toBe('build');
    expect(last?.code).toBe(1);
    expect(last?.output).toMatchObject({
      error: {
        code: 'WHEEL_REPAIR_FAILED',
        message: expect.stringMatching(
          /rp_off-1\.0\.0-cp\d+-cp\d+-linux_x86_64\.whl runs only on systems like this builder's.*PKGRELAY_BUILD_ISOLATION=true/,
        ),
      },
    });
  });

  it('fails a wheel that links a library auditwheel cannot find to vendor, with its log tail', async () => {
    const { last } = await buildTag(
      'repair/gone',
      sampleUnvendorableProject('rp-gone', 'rp_gone', '1.0.0'),
      true,
    );
    expect(last?.id).toBe('build');
    expect(last?.output).toMatchObject({
      error: {
        code: 'WHEEL_REPAIR_FAILED',
        message: expect.stringContaining('auditwheel could not make rp_gone-1.0.0-'),
        logTail: expect.stringContaining('libgone.so'),
      },
    });
  });
});
