// The deploy entry: every function registers itself with functions-framework when imported.
import './webhook/index.js';
import './worker/index.js';
import './build-events/index.js';
import './dead-letter/index.js';
import './reconcile/index.js';
import './notifier/index.js';
