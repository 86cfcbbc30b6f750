import type { FunctionSpec } from './start-function.js';

/** Every function of pkgrelay, by the key it has in firebase.json and stack.json. */
export const FUNCTION_SPECS: Record<string, FunctionSpec> = {
  webhook: { target: 'webhook', source: 'lib/functions/webhook/index.js', signatureType: 'http' },
  worker: { target: 'worker', source: 'lib/functions/worker/index.js', signatureType: 'cloudevent' },
  buildEvents: {
    target: 'buildEvents',
    source: 'lib/functions/build-events/index.js',
    signatureType: 'cloudevent',
  },
  deadLetter: {
    target: 'deadLetter',
    source: 'lib/functions/dead-letter/index.js',
    signatureType: 'cloudevent',
  },
  reconcile: { target: 'reconcile', source: 'lib/functions/reconcile/index.js', signatureType: 'http' },
  notifier: { target: 'notifier', source: 'lib/functions/notifier/index.js', signatureType: 'cloudevent' },
};
