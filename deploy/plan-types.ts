/** One program run with an argv array (never a shell string). Args may hold `{{NAME}}` placeholders filled from captured values. */
export interface Command {
  program: 'gcloud';
  args: string[];
  /** Fed to the command's stdin: a fresh random secret, generated only when the command runs. */
  stdin?: 'random-secret';
}

/** An idempotent step of a deployment, as data: the executor and the dry-run printer both read it. */
export type DeployStep =
  | { kind: 'run'; title: string; command: Command; retry?: RetryPolicy }
  | { kind: 'ensure'; title: string; describe: Command; create: Command[]; update: Command[] }
  | { kind: 'capture'; title: string; variable: string; command: Command; retry?: RetryPolicy }
  | { kind: 'copy'; title: string; from: string; to: string }
  | { kind: 'say'; title: string; text: string };

export interface RetryPolicy {
  attempts: number;
  delaySeconds: number;
}

export interface DeployPlan {
  project: string;
  region: string;
  steps: DeployStep[];
}
