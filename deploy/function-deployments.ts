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
  /** Cloud Run's memory limit; with `cpu`, what an instance gets (gen2 would otherwise derive CPU from memory). */
  memory: '256Mi' | '512Mi' | '1Gi';
  /** vCPUs; below 1 an instance serves one request at a time. */
  cpu: number;
  /** What the size is chosen for, for the plan's printout and the README. */
  sizing: string;
}

/** Every function with its trigger; names are lowercase because a 2nd gen function's Cloud Run service must be. */
export const FUNCTION_DEPLOYMENTS: readonly FunctionDeployment[] = [
  {
    target: 'webhook',
    folder: 'webhook',
    name: 'pkgrelay-webhook',
    trigger: { kind: 'http', public: true },
    timeoutSeconds: 60,
    // Measured under a CPU quota: a cold first 202 took 3.5 s at 0.167 vCPU, 0.55 s at 1 (GitHub waits 10 s).
    memory: '512Mi',
    cpu: 1,
    sizing: 'a cold instance must answer GitHub well inside 10 s',
  },
  {
    target: 'worker',
    folder: 'worker',
    name: 'pkgrelay-worker',
    trigger: { kind: 'topic', topic: 'releases' },
    timeoutSeconds: 120,
    memory: '512Mi',
    cpu: 0.333,
    sizing: 'loads the Cloud Build and Storage clients; no caller waits on it',
  },
  {
    target: 'buildEvents',
    folder: 'build-events',
    name: 'pkgrelay-build-events',
    trigger: { kind: 'topic', topic: 'buildEvents' },
    timeoutSeconds: 60,
    memory: '256Mi',
    cpu: 0.167,
    sizing: 'a few status document writes per build event',
  },
  {
    target: 'deadLetter',
    folder: 'dead-letter',
    name: 'pkgrelay-dead-letter',
    trigger: { kind: 'topic', topic: 'deadLetter' },
    timeoutSeconds: 60,
    memory: '256Mi',
    cpu: 0.167,
    sizing: 'one status document write per dead letter',
  },
  {
    target: 'reconcile',
    folder: 'reconcile',
    name: 'pkgrelay-reconcile',
    trigger: { kind: 'schedule' },
    timeoutSeconds: 540,
    memory: '512Mi',
    cpu: 0.333,
    sizing: "lists every configured repository's tags and jobs every half hour",
  },
  {
    target: 'notifier',
    folder: 'notifier',
    name: 'pkgrelay-notifier',
    trigger: { kind: 'topic', topic: 'jobEvents' },
    timeoutSeconds: 60,
    memory: '256Mi',
    cpu: 0.167,
    sizing: 'formats one event and POSTs it; waits on the endpoint, not on CPU',
  },
];
