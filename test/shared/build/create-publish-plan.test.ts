import { describe, expect, it } from 'vitest';
import { createBuildPlan, DistArchive } from '../../../shared/build/create-build-plan.js';
import { createPublishPlan } from '../../../shared/build/create-publish-plan.js';

const built = createBuildPlan({
  projectId: 'proj',
  repository: 'Octo-Org/Widgets',
  tag: 'v1.2.3',
  version: '1.2.3',
  attempt: 2,
  repo: {
    repository: 'Octo-Org/Widgets',
    subdirectory: '.',
    versionPolicy: 'tag',
    pythonVersion: '3.12',
    prereleases: false,
    private: false,
  } as never,
  upstreamBase: 'https://github.com',
  registryUrl: 'https://europe-west1-python.pkg.dev/proj/pkgrelay/',
  isolation: true,
  registryAuth: 'google',
  timeoutSeconds: 1200,
  stagingLocation: 'gs://proj-pkgrelay-staging/a1b2c3/',
}).substitutions;

const input = {
  built,
  pythonVersion: '3.12',
  allowedNames: ['octo-widgets'],
  stagingLocation: 'gs://proj-pkgrelay-staging/a1b2c3/',
  serviceAccount: 'projects/proj/serviceAccounts/pkgrelay-publisher@proj.iam.gserviceaccount.com',
  timeoutSeconds: 1200,
};

describe('createPublishPlan', () => {
  it('publishes the build phase’s archive as the publisher, with nothing that reaches upstream', () => {
    const plan = createPublishPlan(input);
    expect(plan.steps.map((step) => step.id)).toEqual(['receive', 'verify', 'check', 'upload']);
    expect(plan.source).toEqual({
      storageSource: { bucket: 'proj-pkgrelay-staging', object: `a1b2c3/${DistArchive}` },
    });
    expect(plan.serviceAccount).toBe(input.serviceAccount);
    expect(plan.substitutions).toMatchObject({
      _PKGRELAY_PHASE: 'publish',
      _PKGRELAY_ATTEMPT: '2',
      _PKGRELAY_ALLOWED_NAMES: 'octo-widgets',
    });
    // The publish phase never fetches: the upstream's URL and token stay with the build phase.
    expect(plan.substitutions).not.toHaveProperty('_PKGRELAY_UPSTREAM_URL');
    expect(plan.availableSecrets).toBeUndefined();
  });

  it('runs every publish step on the builder image, as the build phase’s steps', () => {
    const builderImage = 'europe-west1-docker.pkg.dev/proj/pkgrelay-images/builder:py{python}-abc123def456';
    const plan = createPublishPlan({ ...input, builderImage });
    expect(new Set(plan.steps.map((step) => step.name))).toEqual(
      new Set(['europe-west1-docker.pkg.dev/proj/pkgrelay-images/builder:py3.12-abc123def456']),
    );
    expect(new Set(createPublishPlan(input).steps.map((step) => step.name))).toEqual(
      new Set(['python:3.12']),
    );
  });
});
