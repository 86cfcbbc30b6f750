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
  | {
      kind: 'ensure';
      title: string;
      describe: Command;
      create: Command[];
      update: Command[];
      /** Applies to the create and update commands. */
      retry?: RetryPolicy;
    }
  | {
      kind: 'capture';
      title: string;
      variable: string;
      command: Command;
      retry?: RetryPolicy;
      /** An account email made an IAM principal: `serviceAccount:` for service accounts, `user:` otherwise. */
      as?: 'principal';
    }
  | { kind: 'copy'; title: string; from: string; to: string }
  | { kind: 'say'; title: string; text: string };

export interface RetryPolicy {
  attempts: number;
  delaySeconds: number;
  /** Retried only when gcloud's error output matches: a refusal that waiting cannot cure stops at once. */
  when: RegExp;
  /** What is being waited for, said with each retry. */
  waitingFor: string;
}

export interface DeployPlan {
  project: string;
  region: string;
  steps: DeployStep[];
}
