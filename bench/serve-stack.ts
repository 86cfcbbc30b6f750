import { parseArgs } from 'node:util';
import { startStack } from '../local/stack/start-stack.js';

// A stack in a process of its own, so the benchmark can read this process's peak memory apart from its own.
const { values } = parseArgs({
  options: {
    root: { type: 'string' },
    config: { type: 'string' },
    'build-concurrency': { type: 'string', default: '2' },
  },
});
if (!values.root || !values.config)
  throw new Error('usage: serve-stack --root <dir> --config <file> [--build-concurrency N]');
const stack = await startStack({
  rootDir: values.root,
  configPath: values.config,
  buildConcurrency: Number(values['build-concurrency']),
});
const shutdown = (): void => {
  stack.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
