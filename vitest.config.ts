import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The integration suites start real servers and the Pub/Sub emulator; two cores cannot run many at once.
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // No Google metadata server here: the client libraries must not wait to look for one.
    env: { METADATA_SERVER_DETECTION: 'none' },
  },
});
