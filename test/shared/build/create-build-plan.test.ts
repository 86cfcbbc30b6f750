import { describe, expect, it } from 'vitest';
import { createBuildPlan, type BuildPlanInput } from '../../../shared/build/create-build-plan.js';
import { RepositoryConfig } from '../../../shared/config/repository-config.js';

const input = (repo: Record<string, unknown>): BuildPlanInput => ({
  projectId: 'proj',
  repository: 'Octo/Lib',
  tag: 'v1.2.0',
  version: '1.2.0',
  attempt: 1,
  repo: RepositoryConfig.parse({ repository: 'Octo/Lib', ...repo }),
  upstreamBase: 'https://github.com',
  registryUrl: 'https://europe-python.pkg.dev/proj/repo/',
  isolation: true,
  registryAuth: 'google',
  timeoutSeconds: 900,
  stagingLocation: 'gs://proj-staging/staging/abc/',
});

describe('createBuildPlan', () => {
  it('hands the version policy and the distribution name to the steps as substitutions', () => {
    const plan = createBuildPlan(
      input({ versionPolicy: 'from-tag', distributionName: 'acme-lib', subdirectory: 'py' }),
    );
    expect(plan.substitutions).toMatchObject({
      _PKGRELAY_VERSION_POLICY: 'from-tag',
      _PKGRELAY_DISTRIBUTION_NAME: 'acme-lib',
      _PKGRELAY_SUBDIR: 'py',
    });
    for (const step of plan.steps) {
      expect(step.env).toContain('PKGRELAY_VERSION_POLICY=${_PKGRELAY_VERSION_POLICY}');
      expect(step.env).toContain('PKGRELAY_DISTRIBUTION_NAME=${_PKGRELAY_DISTRIBUTION_NAME}');
    }
  });

  it('defaults to must-match and no rename', () => {
    const plan = createBuildPlan(input({}));
    expect(plan.substitutions['_PKGRELAY_VERSION_POLICY']).toBe('must-match');
    expect(plan.substitutions['_PKGRELAY_DISTRIBUTION_NAME']).toBe('');
    expect(plan.availableSecrets).toBeUndefined();
    expect(plan.steps.every((step) => step.secretEnv === undefined)).toBe(true);
  });

  it('gives a private upstream token to the fetch step only, by secret reference', () => {
    const plan = createBuildPlan(input({ private: true, tokenSecret: 'octo-lib-token' }));
    expect(plan.availableSecrets).toEqual({
      secretManager: [
        {
          versionName: 'projects/proj/secrets/octo-lib-token/versions/latest',
          env: 'PKGRELAY_UPSTREAM_TOKEN',
        },
      ],
    });
    expect(plan.steps.filter((step) => step.secretEnv).map((step) => step.id)).toEqual(['fetch']);
    // The token's value is never part of the plan: only its secret's name is.
    const { availableSecrets: _secrets, ...rest } = plan;
    expect(JSON.stringify(rest)).not.toContain('octo-lib-token');
  });

  it('runs every step on the builder image of the package’s Python version when one is configured', () => {
    const builderImage = 'europe-west1-docker.pkg.dev/proj/pkgrelay-images/builder:py{python}-abc123def456';
    const plan = createBuildPlan({ ...input({ pythonVersion: '3.11' }), builderImage });
    expect(new Set(plan.steps.map((step) => step.name))).toEqual(
      new Set(['europe-west1-docker.pkg.dev/proj/pkgrelay-images/builder:py3.11-abc123def456']),
    );
    // Without one, Docker's official image of that Python, as the local stand-in runs them.
    expect(new Set(createBuildPlan(input({ pythonVersion: '3.11' })).steps.map((step) => step.name))).toEqual(
      new Set(['python:3.11']),
    );
  });

  it('escapes every $ of the step scripts for Cloud Build', () => {
    for (const step of createBuildPlan(input({})).steps) {
      expect(step.args.slice(0, 2)).toEqual(['-I', '-c']);
      expect(step.args[2]?.replaceAll('$$', '')).not.toContain('$');
    }
  });
});
