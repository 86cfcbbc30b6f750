import { Argument, Command } from 'commander';
import type { Bucket } from '@google-cloud/storage';
import { pollStateObjectPath } from '../../shared/contracts/job-id.js';
import { UnreadableDocumentError } from '../../shared/errors.js';
import { PollState } from '../../shared/status/poll-state.js';
import { describePollState } from '../describe-poll-state.js';
import type { JobStatus } from '../../shared/status/job-status.js';
import { RepositoryIndex, type IndexEntry } from '../../shared/status/repository-index.js';
import { describeWarning } from '../describe-warning.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { formatAge, formatTable } from '../format-table.js';
import { formatWheelPlatform } from '../format-wheel-platform.js';
import { openTargetBucket } from '../open-target.js';
import { parseRepository, parseTag } from '../parse-arguments.js';
import { printJson, printText } from '../print-output.js';
import { readJobStatus, readJson, readRepositoryIndex } from '../read-status.js';
import { addTargetOptions, resolveTarget, type TargetOptions } from '../resolve-target.js';
import { runAction } from '../run-action.js';

interface StatusOptions extends TargetOptions {
  json?: boolean;
}

export interface RepositorySummary {
  repository: string;
  jobs: number;
  published: number;
  skipped: number;
  failed: number;
  inFlight: number;
  latest: string | undefined;
  updatedAt: string;
}

/** A repository whose index fails its schema: pkgrelay leaves it alone, and says so. */
export interface UnreadableSummary {
  repository: string;
  path: string;
  unreadable: string;
}

/** `pkgrelay status`: every repository, one repository's jobs, or one job, from the status bucket. */
export function createStatusCommand(): Command {
  return addTargetOptions(
    new Command('status')
      .description('show jobs from the status bucket: all repositories, one repository, or one job')
      .addArgument(new Argument('[repository]', 'owner/name: list its jobs').argParser(parseRepository))
      .addArgument(new Argument('[tag]', 'a tag: show that job in full').argParser(parseTag))
      .option('--json', 'print JSON on stdout: summaries, the repository index, or the job document'),
  )
    .addHelpText(
      'after',
      '\nExit 0 when something was found (an empty bucket included), 1 for an unknown repository or job.',
    )
    .action(
      runAction(async (repository: string | undefined, tag: string | undefined, options: StatusOptions) => {
        const bucket = await openTargetBucket(await resolveTarget(options));
        const print = (json: unknown, text: string): void => {
          if (options.json) printJson(json);
          else printText(text);
        };
        if (repository && tag) {
          const job = await readJobStatus(bucket, { repository, tag });
          if (!job) throw new CliError(`No job for ${repository} ${tag}`, ExitCode.failed);
          print(job, describeJob(job));
        } else if (repository) {
          const [index, poll] = await Promise.all([
            readRepositoryIndex(bucket, repository),
            readJson(bucket, pollStateObjectPath(repository), PollState),
          ]);
          if (!index && !poll)
            throw new CliError(`No jobs for ${repository} in the status bucket`, ExitCode.failed);
          const text = [
            index ? describeIndex(index) : `${repository}\n\nNo jobs yet.`,
            ...(poll ? ['', describePollState(poll)] : []),
          ].join('\n');
          print({ ...(index ?? { repository, jobs: [] }), ...(poll ? { poll } : {}) }, text);
        } else {
          const summaries = await summarizeRepositories(bucket);
          print(summaries, summaries.length ? describeSummaries(summaries) : 'No jobs yet.');
        }
        return ExitCode.ok;
      }),
    );
}

async function summarizeRepositories(bucket: Bucket): Promise<Array<RepositorySummary | UnreadableSummary>> {
  const [files] = await bucket.getFiles({ prefix: 'repos/', autoPaginate: true });
  const indexes = await Promise.all(
    files
      .filter((file) => file.name.endsWith('/index.json'))
      .map(async (file) =>
        readJson(bucket, file.name, RepositoryIndex).catch((error: unknown) => {
          if (!(error instanceof UnreadableDocumentError)) throw error;
          const repository = file.name.split('/').slice(1, 3).join('/');
          return { repository, path: file.name, unreadable: error.problem } satisfies UnreadableSummary;
        }),
      ),
  );
  return indexes
    .filter((index) => index !== undefined)
    .map((index): RepositorySummary | UnreadableSummary => {
      if ('unreadable' in index) return index;
      const count = (...states: string[]): number =>
        index.jobs.filter((job) => states.includes(job.state)).length;
      return {
        repository: index.repository,
        jobs: index.jobs.length,
        published: count('published'),
        skipped: count('skipped'),
        failed: count('failed'),
        inFlight: count('queued', 'building'),
        // The index is sorted newest version first.
        latest: index.jobs.find((job) => job.state === 'published')?.version,
        updatedAt: index.updatedAt,
      };
    })
    .sort((a, b) => a.repository.localeCompare(b.repository));
}

function describeSummaries(summaries: Array<RepositorySummary | UnreadableSummary>): string {
  const unreadable = summaries.filter((s) => 'unreadable' in s);
  const table = formatTable(
    ['REPOSITORY', 'JOBS', 'PUBLISHED', 'SKIPPED', 'FAILED', 'IN FLIGHT', 'LATEST', 'UPDATED'],
    summaries.map((s) =>
      'unreadable' in s ? [s.repository, 'UNREADABLE', '-', '-', '-', '-', '-', '-'] : summaryRow(s),
    ),
  );
  const notes = unreadable.map(
    (s) => `${s.path} is unreadable (${s.unreadable}); pkgrelay leaves it as it is: repair or delete it`,
  );
  return [table, ...(notes.length ? ['', ...notes] : [])].join('\n');
}

function summaryRow(s: RepositorySummary): string[] {
  return [
    s.repository,
    String(s.jobs),
    String(s.published),
    String(s.skipped),
    String(s.failed),
    String(s.inFlight),
    s.latest ?? '-',
    formatAge(s.updatedAt),
  ];
}

function describeIndex(index: RepositoryIndex): string {
  return `${index.repository}\n\n${formatTable(
    ['TAG', 'VERSION', 'STATE', 'ATTEMPT', 'UPDATED', 'BUILD'],
    index.jobs.map((job) => [
      job.tag,
      job.version || '-',
      stateWithWarnings(job),
      String(job.attempt),
      formatAge(job.updatedAt),
      job.buildId ?? '-',
    ]),
  )}`;
}

function describeJob(job: JobStatus): string {
  const fields: Array<[string, string | undefined]> = [
    ['Repository', job.repository],
    ['Tag', job.tag],
    ['Version', job.version || undefined],
    ['Distribution', job.distribution],
    ['State', job.state],
    ['Attempt', String(job.attempt)],
    [
      'Source',
      job.source
        ? [
            job.source.kind,
            job.source.event,
            job.source.deliveryId,
            job.source.actor && `by ${job.source.actor}`,
          ]
            .filter(Boolean)
            .join(' ')
        : undefined,
    ],
    ['Created', job.createdAt],
    ['Updated', job.updatedAt],
    ['Build', job.build ? `${job.build.id}${job.build.status ? ` (${job.build.status})` : ''}` : undefined],
    ['Log', job.build?.logUrl],
    ['Reason', job.reason],
    [
      'Error',
      job.error
        ? `${job.error.code}: ${job.error.message}${job.error.step ? ` (step ${job.error.step})` : ''}`
        : undefined,
    ],
  ];
  const lines = fields
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `${`${name}:`.padEnd(14)}${value}`);
  if (job.warnings?.length) {
    lines.push('', `Warnings (${job.warnings.length}):`);
    lines.push(...job.warnings.map((warning) => `  ${describeWarning(warning, '    ')}`));
  }
  if (job.artifacts.length) {
    lines.push(
      '',
      formatTable(
        ['ARTIFACT', 'KIND', 'SIZE', 'UPLOADED', 'SHA256'],
        job.artifacts.map((a) => [
          a.filename,
          a.kind + (formatWheelPlatform(a.tags) ? ` (${formatWheelPlatform(a.tags)})` : ''),
          String(a.size),
          a.uploaded ? 'yes' : 'no (already there)',
          a.sha256,
        ]),
      ),
    );
  }
  lines.push(
    '',
    formatTable(
      ['HISTORY', 'AT', 'ATTEMPT', 'NOTE'],
      job.history.map((entry) => [entry.state, entry.at, String(entry.attempt), entry.note ?? '']),
    ),
  );
  if (job.error?.logTail) lines.push('', 'Log tail:', job.error.logTail);
  return lines.join('\n');
}

function stateWithWarnings(entry: IndexEntry): string {
  if (!entry.warnings) return entry.state;
  return `${entry.state} (${entry.warnings} warning${entry.warnings === 1 ? '' : 's'})`;
}
