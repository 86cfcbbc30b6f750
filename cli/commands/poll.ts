import { Argument, Command } from 'commander';
import type { PollReport } from '../../functions/reconcile/reconcile-report.js';
import { ExitCode } from '../exit-codes.js';
import { invokeReconcile } from '../invoke-reconcile.js';
import { parseRepository } from '../parse-arguments.js';
import { printJson, printText } from '../print-output.js';
import { resolveReconcileUrl } from '../resolve-reconcile-url.js';
import { runAction } from '../run-action.js';

interface PollOptions {
  url?: string;
  stack: string;
  dryRun?: boolean;
  json?: boolean;
}

/** `pkgrelay poll`: list one upstream now, through the reconcile function (its token included), or preview it. */
export function createPollCommand(): Command {
  return new Command('poll')
    .description(
      'poll one upstream now, as reconcile does on its schedule; with --dry-run, show what it would build (first contact included) and build nothing',
    )
    .addArgument(new Argument('<repository>', 'owner/name, as configured').argParser(parseRepository))
    .option('--dry-run', 'list the upstream and say what would be built and what left, writing nothing')
    .option(
      '--url <url>',
      'the reconcile function URL (default: the local stack\u2019s; in Google Cloud its Cloud Run URL)',
    )
    .option('--stack <dir>', 'the local stack folder holding stack.json', '.pkgrelay')
    .option('--json', 'print the reconcile report on stdout')
    .addHelpText(
      'after',
      `
The reconcile function lists the upstream, so a private one is read with its own token and nothing
leaves the function but tag names. Exit 0 when the upstream answered, 1 when it did not.`,
    )
    .action(
      runAction(async (repository: string, options: PollOptions) => {
        const { url, local } = await resolveReconcileUrl(options);
        const { report } = await invokeReconcile(url, {
          authenticate: !local,
          repositories: [repository],
          ...(options.dryRun ? { dryRun: true } : {}),
        });
        const poll = report.polls[0];
        if (options.json) printJson(report);
        else if (!poll) printText(`${repository} is not in the configuration; add it there first`);
        else printText(describePoll(poll, options.dryRun === true, report.enqueued.length));
        return poll?.ok ? ExitCode.ok : ExitCode.failed;
      }),
    );
}

function describePoll(poll: PollReport, dryRun: boolean, enqueued: number): string {
  if (!poll.ok)
    return `${poll.repository}: the upstream did not answer (${poll.error}); next try ${poll.nextPollAt}`;
  const lines = [
    `${poll.repository}: ${poll.upstreamTags ?? 0} tags upstream, ${poll.ignored ?? 0} not matching the configuration`,
  ];
  const would = dryRun ? 'would build' : 'building';
  if (poll.firstContact) {
    const { existingTags, left } = poll.firstContact;
    lines.push(`First contact (existingTags ${JSON.stringify(existingTags)}):`);
    lines.push(`  ${would} ${list(poll.toBuild)}`);
    lines.push(
      `  ${dryRun ? 'would leave' : 'left'}  ${list(left)}${left.length ? ' (pkgrelay trigger builds one by hand)' : ''}`,
    );
  } else {
    lines.push(`  ${would} ${list(poll.toBuild)}`);
  }
  if (!dryRun) lines.push(`${enqueued} enqueued; pkgrelay status ${poll.repository} follows them`);
  return lines.join('\n');
}

function list(tags: readonly string[]): string {
  if (!tags.length) return 'nothing';
  const shown = tags.length > 12 ? [...tags.slice(0, 5), '…', ...tags.slice(-5)] : tags;
  return `${tags.length}: ${shown.join(', ')}`;
}
