import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The fault suites each drive a whole stack for minutes: kept out of `npm test`. Two at a time: each has its
// own stack on its own ports, and most of a suite's time is waiting (frozen emulator, killed functions, timeouts).
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['test/faults/**/*.faults.ts'],
    globalSetup: ['./test/support/temp-root.ts'],
    maxWorkers: 2,
    testTimeout: 420_000,
    // A stack start waits up to 150 s for the Pub/Sub emulator on a loaded machine.
    hookTimeout: 240_000,
    env: { METADATA_SERVER_DETECTION: 'none' },
  },
});
