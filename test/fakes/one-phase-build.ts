import type { JobId } from '../../shared/contracts/job-id.js';
import type { Artifact } from '../../shared/status/job-status.js';

const json = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');

/**
 * The Build resource (REST JSON) of a build made before the two-phase split: attempt 1 of `id` that
 * checked out `commit` and uploaded `artifacts` itself, so it publishes its job and attests it alone.
 */
export function onePhaseBuild(
  id: JobId,
  { buildId = 'b-1', status = 'SUCCESS', commit = 'e'.repeat(40), artifacts = [] as Artifact[] } = {},
) {
  return {
    id: buildId,
    status,
    substitutions: {
      _PKGRELAY_REPOSITORY: id.repository,
      _PKGRELAY_TAG: id.tag,
      _PKGRELAY_ATTEMPT: '1',
      _PKGRELAY_UPSTREAM_URL: `https://github.com/${id.repository}.git`,
    },
    steps: ['fetch', 'build', 'verify', 'check', 'upload'].map((step) => ({
      id: step,
      name: 'python:3.12',
      status,
    })),
    results: { buildStepOutputs: [json({ commit }), '', '', '', json({ artifacts })] },
  };
}
