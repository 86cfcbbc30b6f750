#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { findPackageRoot } from '../local/stack/find-package-root.js';
import { createBackfillCommand } from './commands/backfill.js';
import { createDemoCommand } from './commands/demo.js';
import { createDeployCommand } from './commands/deploy.js';
import { createPollCommand } from './commands/poll.js';
import { createReconcileCommand } from './commands/reconcile.js';
import { createRepositoriesCommand } from './commands/repositories.js';
import { createStartCommand } from './commands/start.js';
import { createStatusCommand } from './commands/status.js';
import { createTriggerCommand } from './commands/trigger.js';
import { createVerifyCommand } from './commands/verify.js';
import { createWebhookCommand } from './commands/webhook.js';
import { EXIT_CODES_HELP, ExitCode } from './exit-codes.js';

const { version } = JSON.parse(readFileSync(join(findPackageRoot(), 'package.json'), 'utf8')) as {
  version: string;
};

const program = new Command('pkgrelay')
  .description('Publish every tag of a GitHub-hosted Python project to your own Artifact Registry')
  .version(version)
  .showHelpAfterError()
  .addHelpText('after', EXIT_CODES_HELP)
  .addCommand(createStartCommand())
  .addCommand(createDemoCommand())
  .addCommand(createTriggerCommand())
  .addCommand(createStatusCommand())
  .addCommand(createBackfillCommand())
  .addCommand(createWebhookCommand())
  .addCommand(createReconcileCommand())
  .addCommand(createVerifyCommand())
  .addCommand(createPollCommand())
  .addCommand(createRepositoriesCommand())
  .addCommand(createDeployCommand());

// Commander exits 1 on usage errors; scripts get 2 for those, so every command throws instead.
const overrideExits = (command: Command): void => {
  command.exitOverride();
  command.commands.forEach(overrideExits);
};
overrideExits(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = exitCodeOfCommander(error);
}
// Client libraries keep sockets open; a finished command must not wait for them.
process.exit(process.exitCode ?? 0);

function exitCodeOfCommander(error: unknown): number {
  if (!(error instanceof CommanderError)) throw error;
  if (['commander.helpDisplayed', 'commander.version'].includes(error.code)) return ExitCode.ok;
  // `command.error(message, { exitCode })` from an action keeps the code it chose.
  if (error.code === 'commander.error') return error.exitCode;
  return ExitCode.usage;
}
