import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { readNotifications, readRepositories } from '../../shared/config/load-config.js';
import { RepositoryConfig } from '../../shared/config/repository-config.js';
import { findPackageRoot } from '../../local/stack/find-package-root.js';
import { createDeployPlan } from '../../deploy/create-deploy-plan.js';
import { FUNCTION_DEPLOYMENTS, FunctionTarget } from '../../deploy/function-deployments.js';
import { renderPlanScript } from '../../deploy/render-plan-script.js';
import { runDeployPlan } from '../../deploy/run-deploy-plan.js';
import type { PrivateRepository } from '../../deploy/name-resources.js';
import { BUILDER_IMAGE_FOLDER, builderImageDigest } from '../../deploy/builder-image-files.js';

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
  minInstances: number;
  invokerIamCheck: boolean;
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
      new Option(
        '--min-instances <n>',
        'webhook instances kept warm, so no delivery waits for a cold start (each costs about $9.72 a month idle)',
      )
        .argParser(parseMinInstances)
        .default(0),
    )
    .option(
      '--no-invoker-iam-check',
      "serve the webhook with Cloud Run's invoker IAM check off for it instead of an allUsers binding " +
        '(for organisations whose policy refuses allUsers)',
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
  const repositories = readConfiguredRepositories(configPath, options.dryRun === true);
  const privateRepositories = repositories.flatMap((repo) =>
    repo.private && repo.tokenSecret ? [{ repository: repo.repository, tokenSecret: repo.tokenSecret }] : [],
  );
  // One builder image per Python version the repositories build with (the default one when none is configured).
  const pythonVersions = [
    ...new Set(
      repositories.flatMap((repo) => [
        repo.pythonVersion,
        ...(repo.packages ?? []).flatMap((pkg) => (pkg.pythonVersion ? [pkg.pythonVersion] : [])),
      ]),
    ),
  ].sort();
  const plan = createDeployPlan({
    project: options.project,
    region: options.region,
    bucket: options.bucket,
    configBucket: options.configBucket,
    repository: options.repository,
    bundleDir,
    configPath,
    privateRepositories,
    notificationSecrets: readNotificationSecrets(configPath),
    publicStatus: options.publicStatus,
    schedule: options.schedule,
    maxDeliveryAttempts: options.maxDeliveryAttempts,
    functions: options.functions,
    minInstances: options.minInstances,
    invokerIamCheck: options.invokerIamCheck,
    // With no repositories file (a dry run only), the default Python version's image.
    pythonVersions: pythonVersions.length
      ? pythonVersions
      : [RepositoryConfig.parse({ repository: 'a/b' }).pythonVersion],
    builderDigest: builderImageDigest(findPackageRoot()),
  });
  if (options.dryRun) {
    process.stdout.write(renderPlanScript(plan));
    return;
  }
  const missing = [
    ...FUNCTION_DEPLOYMENTS.filter(
      (fn) => options.functions.includes(fn.target) && !existsSync(join(bundleDir, fn.folder, 'index.js')),
    ).map((fn) => fn.target),
    ...(existsSync(join(bundleDir, BUILDER_IMAGE_FOLDER, 'Dockerfile')) ? [] : ['the builder image']),
  ];
  if (missing.length) {
    throw new Error(
      `no bundle for ${missing.join(', ')} in ${bundleDir}: run \`npm run build\`, ` +
        'or deploy fewer with --functions',
    );
  }
  await runDeployPlan(plan);
}

// The repositories file names the only secrets builds may read (upstream tokens) and the Python versions they use.
function readConfiguredRepositories(
  configPath: string,
  dryRun: boolean,
): ReturnType<typeof readRepositories> {
  if (!existsSync(configPath)) {
    if (!dryRun) throw new Error(`${configPath} does not exist: pass the repositories file with --config`);
    process.stderr.write(`warning: ${configPath} does not exist; the plan assumes no private repositories\n`);
    return [];
  }
  return readRepositories(configPath);
}

function parseMinInstances(value: string): number {
  const count = Number(value);
  if (!Number.isInteger(count) || count < 0 || count > 10)
    throw new InvalidArgumentError('must be a whole number from 0 to 10');
  return count;
}

// The notifier alone reads these: Slack and Chat URLs, and the generic webhooks' signing keys.
function readNotificationSecrets(configPath: string): string[] {
  if (!existsSync(configPath)) return [];
  const secrets = readNotifications(configPath).endpoints.flatMap((endpoint) =>
    [endpoint.urlSecret, endpoint.signingSecret].filter((id): id is string => id !== undefined),
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
