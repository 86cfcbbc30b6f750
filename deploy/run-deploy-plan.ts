import { randomBytes } from 'node:crypto';
import { copyFile } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { explainDeployFailure, type DeployFailureAdvice } from './explain-deploy-failure.js';
import { runCommand, type CommandResult } from './run-command.js';
import type { Command, DeployPlan, RetryPolicy } from './plan-types.js';
import { fillPlaceholders, quoteShellArg } from './quote-shell-arg.js';

export interface PlanRunnerDeps {
  run?: (program: string, args: readonly string[], stdin?: string) => Promise<CommandResult>;
  copy?: (from: string, to: string) => Promise<void>;
  log?: (line: string) => void;
  sleep?: (seconds: number) => Promise<void>;
  randomSecret?: () => string;
}

/** A gcloud step failed: says which, passes on what gcloud said, and what to do when the refusal is a known one. */
export class DeployStepError extends Error {
  constructor(
    readonly step: string,
    readonly command: string,
    readonly stderr: string,
    readonly explained?: DeployFailureAdvice,
  ) {
    super(
      `Deploy step "${step}" failed.\n$ ${command}\n${stderr.trim()}` +
        (explained ? `\nWhy: ${explained.cause}.\nWhat to do: ${explained.advice}` : ''),
    );
    this.name = 'DeployStepError';
  }
}

/** An account email as an IAM principal. */
export function toPrincipal(account: string): string {
  return `${account.endsWith('.gserviceaccount.com') ? 'serviceAccount' : 'user'}:${account}`;
}

/** Executes a plan step by step, stopping at the first failure; returns the captured values (URLs, subscriptions). */
export async function runDeployPlan(
  plan: DeployPlan,
  {
    run = runCommand,
    copy = copyFile,
    log = (line) => process.stderr.write(`${line}\n`),
    sleep = (seconds) => delay(seconds * 1000),
    randomSecret = () => randomBytes(32).toString('hex'),
  }: PlanRunnerDeps = {},
): Promise<Map<string, string>> {
  const values = new Map<string, string>();
  type Executed = CommandResult & { shown: string; args: string[] };
  const exec = async (command: Command, retry?: RetryPolicy): Promise<Executed> => {
    const args = command.args.map((arg) => fillPlaceholders(arg, values));
    const shown = [command.program, ...args].map(quoteShellArg).join(' ');
    log(`$ ${shown}`);
    const input = command.stdin === 'random-secret' ? randomSecret() : undefined;
    for (let attempt = 1; ; attempt++) {
      const result = await run(command.program, args, input);
      const retried = retry && attempt < retry.attempts && retry.when.test(result.stderr);
      if (result.code === 0 || !retried) return { ...result, shown, args };
      log(
        `  attempt ${attempt} of ${retry.attempts} failed while waiting for ${retry.waitingFor}; ` +
          `again in ${retry.delaySeconds}s`,
      );
      await sleep(retry.delaySeconds);
    }
  };
  const must = async (title: string, command: Command, retry?: RetryPolicy): Promise<string> => {
    const result = await exec(command, retry);
    if (result.code !== 0)
      throw new DeployStepError(
        title,
        result.shown,
        result.stderr,
        explainDeployFailure(result.stderr, result.args),
      );
    return result.stdout;
  };

  for (const [index, step] of plan.steps.entries()) {
    log(`# ${index + 1}/${plan.steps.length} ${step.title}`);
    switch (step.kind) {
      case 'run':
        await must(step.title, step.command, step.retry);
        break;
      case 'capture': {
        const read = (await must(step.title, step.command, step.retry)).trim();
        const value = read && step.as === 'principal' ? toPrincipal(read) : read;
        if (!value)
          throw new DeployStepError(
            step.title,
            step.command.args.join(' '),
            `${step.variable} came back empty`,
          );
        values.set(step.variable, value);
        break;
      }
      case 'ensure': {
        // Present: bring it to the wanted settings; absent (or unreadable): create it, and let gcloud say why if it cannot.
        const present = (await exec(step.describe)).code === 0;
        for (const command of present ? step.update : step.create)
          await must(step.title, command, step.retry);
        break;
      }
      case 'copy':
        await copy(step.from, step.to);
        break;
      case 'say':
        log(fillPlaceholders(step.text, values));
        break;
    }
  }
  return values;
}
