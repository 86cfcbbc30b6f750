import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { readRepositories } from '../../shared/config/load-config.js';
import { findPackageRoot } from '../../local/stack/find-package-root.js';
import { createDeployPlan } from '../../deploy/create-deploy-plan.js';
import { FUNCTION_DEPLOYMENTS, FunctionTarget } from '../../deploy/function-deployments.js';
import { renderPlanScript } from '../../deploy/render-plan-script.js';
import { runDeployPlan } from '../../deploy/run-deploy-plan.js';

interface DeployCommandOptions {
  project: string;
  region: string;
  dryRun?: boolean;
  bucket?: string;
  configBucket?: string;
  repository: string;
  config: string;
  bundleDir?: string;
  publicStatus: boolean;
  schedule: string;
  maxDeliveryAttempts: number;
  functions: FunctionTarget[];
}

/** `pkgrelay deploy`: creates or updates everything pkgrelay needs in one Google Cloud project, with gcloud. */
export function createDeployCommand(): Command {
  return new Command('deploy')
    .description(
      'create or update pkgrelay in a Google Cloud project with gcloud (idempotent; --dry-run prints it)',
    )
    .requiredOption('--project <id>', 'Google Cloud project id')
    .requiredOption('--region <region>', 'region of the functions, bucket, repository and scheduler job')
    .option('--dry-run', 'print every gcloud command, in order, as a shell script; change nothing')
    .option('--bucket <name>', 'status bucket (default: <project>-pkgrelay-status)')
    .option('--repository <name>', 'Artifact Registry Python repository', 'pkgrelay')
    .option(
      '--config <file>',
      'the repositories file: seeds gs://<config bucket>/repositories.json when that has no document yet',
      'repositories.json',
    )
    .option(
      '--config-bucket <name>',
      'private bucket of the served repositories (default: <project>-pkgrelay-config)',
    )
    .option('--bundle-dir <dir>', 'where `npm run build` put the function bundles (default: lib/bundle)')
    .option(
      '--no-public-status',
      'keep the status bucket private (by default anyone can read the status JSON and status page)',
    )
    .option(
      '--schedule <cron>',
      'Cloud Scheduler schedule of reconcile (each repository is polled on its own pollInterval)',
      '* * * * *',
    )
    .addOption(
      new Option('--max-delivery-attempts <n>', 'deliveries of a release request before it is dead-lettered')
        .argParser(parseAttempts)
        .default(5),
    )
    .addOption(
      new Option('--functions <names>', `comma-separated subset of ${FunctionTarget.join(',')}`)
        .argParser(parseFunctions)
        .default([...FunctionTarget], 'all'),
    )
    .addHelpText(
      'after',
      `
Every step is create-or-update, so running it again is safe. Run \`npm run build\` first: each function
is deployed from its bundle (lib/bundle/<function>/). Needs an authenticated gcloud with rights to
create these resources and grant roles on them (e.g. Owner, once, by a person).`,
    )
    .action(async (options: DeployCommandOptions, command: Command) => {
      try {
        await deploy(options);
      } catch (error) {
        command.error(`✗ ${(error as Error).message}`, { exitCode: 1 });
      }
    });
}

async function deploy(options: DeployCommandOptions): Promise<void> {
  const bundleDir = resolve(options.bundleDir ?? join(findPackageRoot(), 'lib', 'bundle'));
  const configPath = resolve(options.config);
  const tokenSecrets = readTokenSecrets(configPath, options.dryRun === true);
  const plan = createDeployPlan({
    project: options.project,
    region: options.region,
    bucket: options.bucket,
    configBucket: options.configBucket,
    repository: options.repository,
    bundleDir,
    configPath,
    tokenSecrets,
    publicStatus: options.publicStatus,
    schedule: options.schedule,
    maxDeliveryAttempts: options.maxDeliveryAttempts,
    functions: options.functions,
  });
  if (options.dryRun) {
    process.stdout.write(renderPlanScript(plan));
    return;
  }
  const missing = FUNCTION_DEPLOYMENTS.filter(
    (fn) => options.functions.includes(fn.target) && !existsSync(join(bundleDir, fn.folder, 'index.js')),
  );
  if (missing.length) {
    throw new Error(
      `no bundle for ${missing.map((fn) => fn.target).join(', ')} in ${bundleDir}: run \`npm run build\`, ` +
        'or deploy fewer with --functions',
    );
  }
  await runDeployPlan(plan);
}

// The upstream token secrets are the only secrets builds may read: they come from the repositories file.
function readTokenSecrets(configPath: string, dryRun: boolean): string[] {
  if (!existsSync(configPath)) {
    if (!dryRun) throw new Error(`${configPath} does not exist: pass the repositories file with --config`);
    process.stderr.write(`warning: ${configPath} does not exist; the plan assumes no private repositories\n`);
    return [];
  }
  const secrets = readRepositories(configPath).flatMap((repo) =>
    repo.private && repo.tokenSecret ? [repo.tokenSecret] : [],
  );
  return [...new Set(secrets)];
}

function parseAttempts(value: string): number {
  const attempts = Number(value);
  // Pub/Sub's own bounds for maxDeliveryAttempts.
  if (!Number.isInteger(attempts) || attempts < 5 || attempts > 100)
    throw new InvalidArgumentError('must be a whole number from 5 to 100');
  return attempts;
}

function parseFunctions(value: string): FunctionTarget[] {
  const names = value.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !(FunctionTarget as readonly string[]).includes(name));
  if (unknown.length)
    throw new InvalidArgumentError(
      `unknown: ${unknown.join(', ')}; choose from ${FunctionTarget.join(', ')}`,
    );
  return FunctionTarget.filter((target) => names.includes(target));
}
