import { Command } from 'commander';
import { ExitCode } from '../exit-codes.js';
import { resolveReconcileUrl } from '../resolve-reconcile-url.js';
import { parseSeconds } from '../parse-arguments.js';
import { progress } from '../print-progress.js';
import { runAction } from '../run-action.js';
import { describeActor } from '../describe-actor.js';
import { invokeReconcile, type ReconcileAnswer } from '../invoke-reconcile.js';

interface ReconcileCommandOptions {
  url?: string;
  stack: string;
  stuckAfter?: number;
  json?: boolean;
}

/** `pkgrelay reconcile`: run the reconcile function once, as Cloud Scheduler does. */
export function createReconcileCommand(): Command {
  return new Command('reconcile')
    .description(
      'run the reconcile function once: enqueue upstream tags without a job, settle builds whose notification was lost',
    )
    .option(
      '--url <url>',
      'the reconcile function URL (default: the local stack\u2019s; in Google Cloud its Cloud Run URL)',
    )
    .option('--stack <dir>', 'the local stack folder holding stack.json', '.pkgrelay')
    .option(
      '--stuck-after <seconds>',
      'look up jobs in flight this long (default: the build timeout and 5 min)',
      parseSeconds,
    )
    .option('--json', 'print {enqueued, settled, drifted, errors, polls} on stdout')
    .addHelpText(
      'after',
      `
In Google Cloud the URL needs an identity token: pkgrelay asks application default credentials for one
(a service account); with user credentials run \`gcloud scheduler jobs run pkgrelay-reconcile\` instead.
Exit 0 when the run had no errors, 1 when it reported some, 3 when the function cannot be reached.`,
    )
    .action(
      runAction(async (options: ReconcileCommandOptions) => {
        const { url, local } = await resolveReconcileUrl(options);
        const answer = await invokeReconcile(url, {
          authenticate: !local,
          requestedBy: `pkgrelay reconcile by ${describeActor()}`,
          ...(options.stuckAfter !== undefined ? { stuckAfterSeconds: options.stuckAfter } : {}),
        });
        if (options.json) process.stdout.write(JSON.stringify(answer.report, null, 2) + '\n');
        else process.stdout.write(describe(answer) + '\n');
        return answer.status === 200 ? ExitCode.ok : ExitCode.failed;
      }),
    );
}

function describe({ status, report }: ReconcileAnswer): string {
  const lines = [
    `reconcile answered ${status}: ${report.polls?.length ?? 0} polled, ${report.enqueued.length} enqueued, ${report.settled.length} settled, ${report.errors.length} errors`,
  ];
  for (const entry of report.enqueued)
    lines.push(`  enqueued ${entry.repository} ${entry.tag} (${entry.version})`);
  for (const entry of report.settled)
    lines.push(
      `  settled  ${entry.repository} ${entry.tag}: ${entry.from} → ${entry.to} (build ${entry.buildId} ${entry.buildStatus})`,
    );
  for (const poll of report.polls ?? [])
    if (!poll.ok)
      lines.push(
        `  polled   ${poll.repository}: failed ${poll.consecutiveFailures}× in a row, next try ${poll.nextPollAt}`,
      );
  // A report from an older reconcile has no drift.
  for (const entry of report.drifted ?? [])
    lines.push(
      `  drifted  ${entry.repository} ${entry.tag}: built from ${entry.recordedCommit}, ${entry.kind === 'moved' ? `now ${entry.upstreamCommit ?? ''}` : 'deleted upstream'}; not rebuilt`,
    );
  for (const entry of report.errors)
    lines.push(
      `  error    ${entry.repository}${entry.tag ? ` ${entry.tag}` : ''} [${entry.stage}]: ${entry.message}`,
    );
  if (report.errors.length) progress('reconcile reported errors; see above and the function log');
  return lines.join('\n');
}
