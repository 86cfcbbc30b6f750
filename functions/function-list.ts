/** How a function is invoked: HTTP (public or not), a push from one of pkgrelay's topics, or Cloud Scheduler. */
export type FunctionTrigger =
  | { kind: 'http'; public: boolean }
  | { kind: 'topic'; topic: 'releases' | 'buildEvents' | 'deadLetter' | 'jobEvents' }
  | { kind: 'schedule' };

/** The facts of one function that deploy, the local stack and the deploy entry all derive from. */
export interface FunctionFacts {
  /** Its functions-framework target, and its key in firebase.json and stack.json. */
  target: string;
  /** Its folder under functions/ (whose index.ts registers it) and under the bundle directory. */
  folder: string;
  trigger: FunctionTrigger;
  timeoutSeconds: number;
  /** Cloud Run's memory limit; with `cpu`, what an instance gets (gen2 would otherwise derive CPU from memory). */
  memory: '256Mi' | '512Mi' | '1Gi';
  /** vCPUs; below 1 an instance serves one request at a time. */
  cpu: number;
  /** What the size is chosen for, for the plan's printout and the README. */
  sizing: string;
}

/** Every function of pkgrelay, once; everything else (deploy, the local stack, functions/index.ts) derives from it. */
export const FUNCTIONS = [
  {
    target: 'webhook',
    folder: 'webhook',
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
    trigger: { kind: 'topic', topic: 'releases' },
    timeoutSeconds: 120,
    memory: '512Mi',
    cpu: 0.333,
    sizing: 'loads the Cloud Build and Storage clients; no caller waits on it',
  },
  {
    target: 'buildEvents',
    folder: 'build-events',
    trigger: { kind: 'topic', topic: 'buildEvents' },
    timeoutSeconds: 60,
    memory: '256Mi',
    cpu: 0.167,
    sizing: 'a few status document writes per build event',
  },
  {
    target: 'deadLetter',
    folder: 'dead-letter',
    trigger: { kind: 'topic', topic: 'deadLetter' },
    timeoutSeconds: 60,
    memory: '256Mi',
    cpu: 0.167,
    sizing: 'one status document write per dead letter',
  },
  {
    target: 'reconcile',
    folder: 'reconcile',
    trigger: { kind: 'schedule' },
    timeoutSeconds: 540,
    memory: '512Mi',
    cpu: 0.333,
    sizing: "lists every configured repository's tags and jobs every half hour",
  },
  {
    target: 'notifier',
    folder: 'notifier',
    trigger: { kind: 'topic', topic: 'jobEvents' },
    timeoutSeconds: 60,
    memory: '256Mi',
    cpu: 0.167,
    sizing: 'formats one event and POSTs it; waits on the endpoint, not on CPU',
  },
] as const satisfies readonly FunctionFacts[];

/** The functions by target, in the order of FUNCTIONS. */
export const FunctionTarget = FUNCTIONS.map((fn) => fn.target);
export type FunctionTarget = (typeof FUNCTIONS)[number]['target'];

/** The framework's signature type a trigger needs: Eventarc delivers a topic's messages as CloudEvents; Scheduler calls HTTP. */
export function signatureTypeOf(trigger: FunctionTrigger): 'http' | 'cloudevent' {
  return trigger.kind === 'topic' ? 'cloudevent' : 'http';
}
