import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The fault suites each drive a whole stack for minutes: kept out of `npm test`, run one at a time.
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['test/faults/**/*.faults.ts'],
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 420_000,
    hookTimeout: 120_000,
    env: { METADATA_SERVER_DETECTION: 'none' },
  },
});
