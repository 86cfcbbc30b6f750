import { randomBytes } from 'node:crypto';
import { copyFile } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
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

/** A gcloud step failed: says which, and passes on what gcloud said. */
export class DeployStepError extends Error {
  constructor(
    readonly step: string,
    readonly command: string,
    readonly stderr: string,
  ) {
    super(`Deploy step "${step}" failed.\n$ ${command}\n${stderr.trim()}`);
    this.name = 'DeployStepError';
  }
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
  const exec = async (command: Command, retry?: RetryPolicy): Promise<CommandResult & { shown: string }> => {
    const args = command.args.map((arg) => fillPlaceholders(arg, values));
    const shown = [command.program, ...args].map(quoteShellArg).join(' ');
    log(`$ ${shown}`);
    const input = command.stdin === 'random-secret' ? randomSecret() : undefined;
    for (let attempt = 1; ; attempt++) {
      const result = await run(command.program, args, input);
      if (result.code === 0 || !retry || attempt >= retry.attempts) return { ...result, shown };
      log(`  failed (attempt ${attempt} of ${retry.attempts}); again in ${retry.delaySeconds}s`);
      await sleep(retry.delaySeconds);
    }
  };
  const must = async (title: string, command: Command, retry?: RetryPolicy): Promise<string> => {
    const result = await exec(command, retry);
    if (result.code !== 0) throw new DeployStepError(title, result.shown, result.stderr);
    return result.stdout;
  };

  for (const [index, step] of plan.steps.entries()) {
    log(`# ${index + 1}/${plan.steps.length} ${step.title}`);
    switch (step.kind) {
      case 'run':
        await must(step.title, step.command, step.retry);
        break;
      case 'capture': {
        const value = (await must(step.title, step.command, step.retry)).trim();
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
        for (const command of present ? step.update : step.create) await must(step.title, command);
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
