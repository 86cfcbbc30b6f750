import { BaseSequencer, type TestSpecification } from 'vitest/node';

// Measured in a fresh-clone run (2026-12-01), longest first. A fresh clone has no vitest cache, so
// vitest would order by file size and could start the corpus last: one worker then runs alone for minutes.
const LONGEST = [
  'test/e2e/corpus.test.ts',
  'test/e2e/cli.test.ts',
  'test/deploy/deploy-plan-gcloud.test.ts',
  'test/e2e/backends.test.ts',
  'test/e2e/repackaging.test.ts',
  'test/e2e/consumer-side.test.ts',
  'test/e2e/monorepo-packages.test.ts',
  'test/e2e/pipeline.test.ts',
  'test/e2e/polling.test.ts',
  'test/e2e/exactly-once.test.ts',
  'test/local/cloudbuild/sandbox-steps.test.ts',
  'test/e2e/job-events.test.ts',
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
