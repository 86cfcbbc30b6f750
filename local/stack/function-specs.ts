import { FUNCTIONS, signatureTypeOf } from '../../functions/function-list.js';
import type { FunctionSpec } from './start-function.js';

/** Every function of pkgrelay, by the key it has in firebase.json and stack.json. */
export const FUNCTION_SPECS: Record<string, FunctionSpec> = Object.fromEntries(
  FUNCTIONS.map((fn) => [
    fn.target,
    {
      target: fn.target,
      source: `lib/functions/${fn.folder}/index.js`,
      signatureType: signatureTypeOf(fn.trigger),
    },
  ]),
);
