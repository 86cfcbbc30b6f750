/** The functions pkgrelay deploys, by their functions-framework target. */
export const FunctionTarget = [
  'webhook',
  'worker',
  'buildEvents',
  'deadLetter',
  'reconcile',
  'notifier',
] as const;
export type FunctionTarget = (typeof FunctionTarget)[number];

export type FunctionTrigger =
  | { kind: 'http'; public: boolean }
  | { kind: 'topic'; topic: 'releases' | 'buildEvents' | 'deadLetter' | 'jobEvents' }
  | { kind: 'schedule' };

export interface FunctionDeployment {
  target: FunctionTarget;
  /** Its folder under functions/ and under the bundle directory. */
  folder: string;
  /** The Cloud Functions name, which is also its Cloud Run service's and its service account's. */
  name: string;
  trigger: FunctionTrigger;
  timeoutSeconds: number;
}

/** Every function with its trigger; names are lowercase because a 2nd gen function's Cloud Run service must be. */
export const FUNCTION_DEPLOYMENTS: readonly FunctionDeployment[] = [
  {
    target: 'webhook',
    folder: 'webhook',
    name: 'pkgrelay-webhook',
    trigger: { kind: 'http', public: true },
    timeoutSeconds: 60,
  },
  {
    target: 'worker',
    folder: 'worker',
    name: 'pkgrelay-worker',
    trigger: { kind: 'topic', topic: 'releases' },
    timeoutSeconds: 120,
  },
  {
    target: 'buildEvents',
    folder: 'build-events',
    name: 'pkgrelay-build-events',
    trigger: { kind: 'topic', topic: 'buildEvents' },
    timeoutSeconds: 60,
  },
  {
    target: 'deadLetter',
    folder: 'dead-letter',
    name: 'pkgrelay-dead-letter',
    trigger: { kind: 'topic', topic: 'deadLetter' },
    timeoutSeconds: 60,
  },
  {
    target: 'reconcile',
    folder: 'reconcile',
    name: 'pkgrelay-reconcile',
    trigger: { kind: 'schedule' },
    timeoutSeconds: 540,
  },
  {
    target: 'notifier',
    folder: 'notifier',
    name: 'pkgrelay-notifier',
    trigger: { kind: 'topic', topic: 'jobEvents' },
    timeoutSeconds: 60,
  },
];
