import { join } from 'node:path';
import { Command } from 'commander';
import { findMissingSystemDependencies } from '../../local/stack/check-system.js';
import { findPackageRoot } from '../../local/stack/find-package-root.js';
import { findTakenPorts, type TakenPort } from '../../local/stack/find-taken-ports.js';
import { readPorts } from '../../local/stack/read-ports.js';
import { choosePortsAgain } from '../../local/stack/remember-ports.js';
import type { StackInfo } from '../../local/stack/stack-info.js';
import type { ReconcileReport } from '../../functions/reconcile/reconcile-report.js';
import { scheduleReconcile } from '../../local/stack/schedule-reconcile.js';
import { parseSeconds } from '../parse-arguments.js';
import { progress } from '../print-progress.js';
import { isSandboxKind, SandboxKind } from '../../local/cloudbuild/place-step-in-sandbox.js';

/** `pkgrelay start`: the whole pipeline on this machine, until interrupted. */
export function createStartCommand(): Command {
  return new Command('start')
    .description(
      'run the whole pipeline locally: Pub/Sub emulator, Storage, Cloud Build and Artifact Registry stand-ins, and every function',
    )
    .option('--root <dir>', 'folder for the stack data, logs and stack.json', '.pkgrelay')
    .option(
      '--config <file>',
      'the repositories file (default: $PKGRELAY_CONFIG, else <root>/repositories.json)',
    )
    .option(
      '--ephemeral-ports',
      "free ports instead of firebase.json's: the root's last ones where still free, so links it recorded work",
    )
    .option(
      '--offline-builds',
      "build on the machine's own backends instead of installing them from PyPI (default: $PKGRELAY_BUILD_ISOLATION=false)",
    )
    .option('--json', 'print stack.json on stdout once ready')
    .option(
      '--reconcile-every <seconds>',
      'run the reconcile function on this period, as Cloud Scheduler does in Google Cloud (0: never)',
      parseSeconds,
      60,
    )
    .action(async (options: StartOptions) => {
      const sandbox = process.env['PKGRELAY_BUILD_SANDBOX'] || 'bwrap';
      if (!isSandboxKind(sandbox)) {
        progress(`✗ PKGRELAY_BUILD_SANDBOX is "${sandbox}": set it to one of ${SandboxKind.join(', ')}`);
        process.exitCode = 1;
        return;
      }
      const missing = findMissingSystemDependencies({ sandbox });
      if (missing.length) {
        for (const line of missing) progress(`✗ ${line}`);
        process.exitCode = 1;
        return;
      }
      const configPath = options.config ?? process.env['PKGRELAY_CONFIG'];
      const upstreamBase = process.env['PKGRELAY_UPSTREAM_BASE'];
      const offline = options.offlineBuilds ?? process.env['PKGRELAY_BUILD_ISOLATION'] === 'false';
      const ports = options.ephemeralPorts
        ? await choosePortsAgain(options.root)
        : readPorts(join(findPackageRoot(), 'firebase.json'));
      // Free ports were just chosen as free; firebase.json's fixed ones may be another stack's.
      const taken = options.ephemeralPorts ? [] : await findTakenPorts(ports);
      if (taken.length) {
        refuseTakenPorts(taken, options);
        return;
      }
      progress('Starting the local stack…');
      // Loaded here, not at the top: the stand-ins would slow every other command's start.
      const { startStack } = await import('../../local/stack/start-stack.js');
      const stack = await startStack({
        rootDir: options.root,
        ports,
        ...(configPath ? { configPath } : {}),
        ...(upstreamBase ? { upstreamBase } : {}),
        buildIsolation: !offline,
        buildSandbox: sandbox,
        onReady: (service, ms) => progress(`  ✓ ${service} ready (${(ms / 1000).toFixed(1)} s)`),
      }).catch((error: NodeJS.ErrnoException & { port?: number }) => {
        // Taken between the look above and the listen: say so as plainly.
        if (error.code !== 'EADDRINUSE') throw error;
        refuseTakenPorts([{ service: 'a server of the stack', port: error.port ?? 0 }], options);
        return undefined;
      });
      if (!stack) return;
      if (options.json) process.stdout.write(JSON.stringify(stack.info, null, 2) + '\n');
      else progress(describeStack(stack.info, options.root));
      const every = options.reconcileEvery;
      const reconcileUrl = stack.info.functions['reconcile'];
      const stopSchedule =
        every && reconcileUrl
          ? scheduleReconcile(reconcileUrl, every, ({ status, body }) => {
              const line = describeTick(status, body);
              if (line) progress(line);
            })
          : () => {};
      if (every && reconcileUrl) progress(`Reconcile runs every ${every} s, as Cloud Scheduler does.`);
      await new Promise<void>((resolve) => {
        const shutdown = (): void => {
          progress('Stopping the local stack…');
          resolve();
        };
        process.once('SIGINT', shutdown);
        process.once('SIGTERM', shutdown);
      });
      stopSchedule();
      await stack.stop();
      progress('Stopped.');
    });
}

interface StartOptions {
  root: string;
  config?: string;
  ephemeralPorts?: boolean;
  offlineBuilds?: boolean;
  json?: boolean;
  reconcileEvery?: number;
}

// Another stack (or anything else) on firebase.json's ports: name each, and the two ways on.
function refuseTakenPorts(taken: readonly TakenPort[], options: StartOptions): void {
  for (const { service, port } of taken) progress(`✗ port ${port} (${service}) is in use`);
  progress(
    options.ephemeralPorts
      ? 'Something took it while the stack started: start again.'
      : [
          "These are firebase.json's fixed ports: another pkgrelay stack may hold them (a running one writes stack.json in its root).",
          'Stop that one (Ctrl-C), or start this one beside it on free ports: npm start -- --ephemeral-ports',
        ].join('\n'),
  );
  process.exitCode = 1;
}

// Quiet when nothing happened: a line a minute saying so would drown what matters.
function describeTick(status: number, body: unknown): string | undefined {
  const report = body as Partial<ReconcileReport> | null;
  if (!report || !Array.isArray(report.polls)) return `reconcile failed (${status}): ${JSON.stringify(body)}`;
  const failed = report.polls.filter((poll) => !poll.ok).map((poll) => `${poll.repository} (${poll.error})`);
  if (!failed.length && !report.enqueued?.length && !report.settled?.length) return undefined;
  return [
    `reconcile (${status}): ${report.polls.length} polled, ${report.enqueued?.length ?? 0} enqueued, ${report.settled?.length ?? 0} settled`,
    ...failed.map((line) => `  upstream failed: ${line}`),
  ].join('\n');
}

function describeStack(info: StackInfo, root: string): string {
  const lines = [
    '',
    `pkgrelay is running (project ${info.projectId}). Written to ${join(root, 'stack.json')}.`,
    '',
    `  Webhook          ${info.webhook.url}   (secret in ${join(root, 'webhook-secret')})`,
    `  Pub/Sub          ${info.pubsub.host}   (PUBSUB_EMULATOR_HOST; topic ${info.pubsub.topic})`,
    `  Cloud Storage    ${info.storage.host}   (STORAGE_EMULATOR_HOST; bucket ${info.storage.bucket})`,
    `  Cloud Build      ${info.cloudbuild.host}`,
    `  Secret Manager   ${info.secretmanager.host}   (over ${join(root, 'secrets')})`,
    `  Python index     ${info.index.url}`,
    `  Status page      ${info.statusPage.url}`,
    // At least one space after the label: "function buildEvents" is longer than the column.
    ...Object.entries(info.functions).map(([name, url]) => `  ${`function ${name}`.padEnd(16)} ${url}`),
    '',
    ...describeCatalog(info),
    `Upstream repositories: ${info.upstreamBase}/<owner>/<name>.git${info.upstreamsDir ? ` (serving ${info.upstreamsDir})` : ''}`,
    `Function logs: ${info.logsDir}`,
    '',
    'Trigger a job by hand with a Pub/Sub message (gcloud wants a token, even for the emulator):',
    `  CLOUDSDK_API_ENDPOINT_OVERRIDES_PUBSUB=http://${info.pubsub.host}/ \\`,
    `  CLOUDSDK_AUTH_ACCESS_TOKEN_FILE=${join(root, 'gcloud-access-token')} \\`,
    `    gcloud pubsub topics publish ${info.pubsub.topic} --project ${info.projectId} \\`,
    `    --message '{"repository":"owner/name","tag":"v1.2.3"}'`,
    '',
    `Then: pip install --index-url ${info.index.url} <name>`,
    'Or from a terminal: pkgrelay trigger owner/name v1.2.3; pkgrelay status; pkgrelay backfill owner/name',
    'Reconcile runs on a schedule (--reconcile-every), polling each repository on its pollInterval; now: pkgrelay reconcile',
    'Press Ctrl-C to stop.',
  ];
  return lines.join('\n');
}

// The functions read the catalog, not the file: after the first start, edits go through `pkgrelay repositories`.
function describeCatalog(info: StackInfo): string[] {
  if (!info.catalog) return [`Repositories served: ${info.configPath}`];
  const from = info.catalog.seeded
    ? `seeded now from ${info.configPath}`
    : `kept from an earlier start; ${info.configPath} was not read`;
  return [
    `Repositories served: ${info.catalog.url} (${from})`,
    '  change them while running: pkgrelay repositories add|remove|list|show (served within 30 s)',
  ];
}
