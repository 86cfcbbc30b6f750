#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { findPackageRoot } from '../local/stack/find-package-root.js';
import { createDemoCommand } from './commands/demo.js';
import { createStartCommand } from './commands/start.js';

const { version } = JSON.parse(readFileSync(join(findPackageRoot(), 'package.json'), 'utf8')) as {
  version: string;
};

const program = new Command('pkgrelay')
  .description('Publish every tag of a GitHub-hosted Python project to your own Artifact Registry')
  .version(version)
  .showHelpAfterError()
  .addCommand(createStartCommand())
  .addCommand(createDemoCommand());

await program.parseAsync(process.argv);
