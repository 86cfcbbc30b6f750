import { FUNCTIONS, type FunctionFacts, type FunctionTarget } from '../functions/function-list.js';

export { FunctionTarget, type FunctionTrigger } from '../functions/function-list.js';

export interface FunctionDeployment extends FunctionFacts {
  target: FunctionTarget;
  /** The Cloud Functions name, which is also its Cloud Run service's and its service account's. */
  name: string;
}

/** Every function with its trigger; names are lowercase because a 2nd gen function's Cloud Run service must be. */
export const FUNCTION_DEPLOYMENTS: readonly FunctionDeployment[] = FUNCTIONS.map((fn) => ({
  ...fn,
  name: `pkgrelay-${fn.folder}`,
}));
