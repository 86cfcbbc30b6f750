import { defineConfig } from 'vitest/config';
import SortLongestFirst from './test/support/sort-longest-first.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['./test/support/temp-root.ts'],
    // The integration suites start real servers and the Pub/Sub emulator; two cores cannot run many at once.
    maxWorkers: 2,
    // Longest first, so the two workers finish together.
    sequence: { sequencer: SortLongestFirst },
    testTimeout: 120_000,
    // A stack start waits up to 150 s for the Pub/Sub emulator on a loaded machine.
    hookTimeout: 240_000,
    // No Google metadata server here: the client libraries must not wait to look for one.
    env: { METADATA_SERVER_DETECTION: 'none' },
  },
});
