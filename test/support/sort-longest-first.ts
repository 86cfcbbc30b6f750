import { BaseSequencer, type TestSpecification } from 'vitest/node';

// Measured in a fresh-clone run (2026-12-01, 17:56; the gcloud test as it is since it forks gcloud), longest
// first, down to 13 s. A fresh clone has no vitest cache, so vitest would order by file size and could start
// a long file last (the corpus, or rename-rebuilds at 105 s): one worker then runs alone for minutes.
const LONGEST = [
  'test/e2e/corpus.test.ts',
  'test/shared/build/rename-rebuilds.test.ts',
  'test/e2e/repackaging.test.ts',
  'test/e2e/consumer-side.test.ts',
  'test/e2e/cli.test.ts',
  'test/e2e/backends.test.ts',
  'test/e2e/pipeline.test.ts',
  'test/deploy/bundles-installed-alone.test.ts',
  'test/deploy/deploy-plan-gcloud.test.ts',
  'test/e2e/monorepo-packages.test.ts',
  'test/e2e/polling.test.ts',
  'test/functions/webhook/webhook-fuzz.test.ts',
  'test/deploy/bundle-lockfile.test.ts',
  'test/e2e/exactly-once.test.ts',
  'test/e2e/job-events.test.ts',
  'test/e2e/reconcile.test.ts',
  'test/e2e/dead-letter.test.ts',
  'test/e2e/repositories-catalog.test.ts',
  'test/e2e/private-upstream.test.ts',
  'test/e2e/status-page.test.ts',
  'test/functions/webhook/front-door-memory.test.ts',
  'test/local/cloudbuild/sandbox-steps.test.ts',
  'test/cli/pkgrelay-cli.test.ts',
  'test/e2e/hostile-upstream.test.ts',
  'test/deploy/bundle-functions.test.ts',
  'test/local/registry/registry-python-clients.test.ts',
  'test/functions/webhook/webhook-pubsub.integration.test.ts',
];

/** Vitest's own order (cached durations, else size), with the known longest files moved to the front. */
export default class SortLongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (file: TestSpecification): number => {
      const index = LONGEST.findIndex((path) => file.moduleId.endsWith(path));
      return index < 0 ? LONGEST.length : index;
    };
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b));
  }
}
