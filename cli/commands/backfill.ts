import { Argument, Command } from 'commander';
import { findRepository } from '../../shared/config/find-repository.js';
import { readServedRepositories } from '../catalog/read-served-repositories.js';
import { createGitUpstreamTags } from '../../shared/upstream/create-git-upstream-tags.js';
import { findMissingTags } from '../../shared/upstream/find-missing-tags.js';
import type { JobStatus } from '../../shared/status/job-status.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { followJob } from '../follow-job.js';
import { formatTable } from '../format-table.js';
import { openTargetBucket, openTargetQueue } from '../open-target.js';
import { parseRepository, parseSeconds } from '../parse-arguments.js';
import { elapsed, progress } from '../print-progress.js';
import { readJobStatus, readRepositoryIndex } from '../read-status.js';
import { addTargetOptions, resolveTarget, type TargetOptions } from '../resolve-target.js';
import { runAction } from '../run-action.js';
import { describeActor } from '../describe-actor.js';

interface BackfillOptions extends TargetOptions {
  dryRun?: boolean;
  wait?: boolean;
  json?: boolean;
  config?: string;
  upstreamBase: string;
  timeout: number;
}

interface BackfillTag {
  tag: string;
  version: string;
  /** The package of a repository with several. */
  package?: string;
  messageId?: string;
  state?: JobStatus['state'];
  error?: string;
}

/** `pkgrelay backfill`: enqueue every upstream tag the configuration accepts that has no job yet. */
export function createBackfillCommand(): Command {
  return addTargetOptions(
    new Command('backfill')
      .description(
        'list the upstream tags (git ls-remote --tags) and enqueue those that match the configuration and have no job',
      )
      .addArgument(new Argument('<repository>', 'owner/name, as configured').argParser(parseRepository))
      .option('--dry-run', 'only list what would be enqueued')
      .option('--wait', 'follow the enqueued jobs until they end (exit 1 if one fails)')
      .option('--timeout <seconds>', 'with --wait: give up after this long', parseSeconds, 1800)
      .option(
        '--config <file>',
        'the repositories file or gs:// catalog (default: the local stack\u2019s; required with --project)',
      )
      .option('--upstream-base <url>', 'with --project: where upstreams live', 'https://github.com')
      .option('--json', 'print {repository, upstreamTags, enqueued, existing, ignored} on stdout'),
  )
    .addHelpText(
      'after',
      '\nRequests carry source {"kind":"manual","event":"backfill"}. Exit 0 when all went well, 1 otherwise.',
    )
    .action(
      runAction(async (repository: string, options: BackfillOptions) => {
        const start = Date.now();
        const target = await resolveTarget(options);
        const configPath =
          options.config ??
          (target.kind === 'local' ? (target.stack.catalog?.url ?? target.stack.configPath) : undefined);
        if (!configPath) throw new CliError('--config <file> is needed with --project', ExitCode.usage);
        const repo = findRepository(await readServedRepositories(configPath, options), repository);
        if (!repo)
          throw new CliError(`${repository} is not in ${configPath}; add it there first`, ExitCode.failed);
        const upstreamBase =
          target.kind === 'local' && !options.config ? target.stack.upstreamBase : options.upstreamBase;
        const tags = await createGitUpstreamTags({ upstreamBase }).list(repo.repository);
        const bucket = await openTargetBucket(target);
        const index = await readRepositoryIndex(bucket, repo.repository);
        const comparison = findMissingTags(repo, tags, new Set(index?.jobs.map((job) => job.tag)));
        const chosen: BackfillTag[] = [];
        const queue = openTargetQueue(target);
        for (const { tag, version, package: pkg } of comparison.missing) {
          const of = pkg === undefined ? {} : { package: pkg };
          if (options.dryRun) {
            chosen.push({ tag, version, ...of });
            continue;
          }
          // The index may lag a job document; never enqueue a tag that has a job.
          if (await readJobStatus(bucket, { repository: repo.repository, tag })) {
            comparison.existing.push(tag);
            continue;
          }
          const messageId = await queue.publish({
            repository: repo.repository,
            tag,
            source: { kind: 'manual', event: 'backfill', actor: describeActor() },
          });
          chosen.push({ tag, version, ...of, messageId });
          progress(`enqueued ${tag} (${version}), message ${messageId}`);
        }
        let failed = 0;
        if (options.wait && !options.dryRun) {
          await Promise.all(
            chosen.map(async (entry) => {
              try {
                const job = await followJob(
                  bucket,
                  { repository: repo.repository, tag: entry.tag },
                  {
                    timeoutMs: options.timeout * 1000,
                    intervalMs: 500,
                  },
                );
                entry.state = job.state;
                if (job.state === 'failed') entry.error = `${job.error?.code}: ${job.error?.message}`;
              } catch (error) {
                entry.error = (error as Error).message;
              }
              if (entry.error) failed++;
              progress(
                `[${elapsed(start)}] ${entry.tag}: ${entry.state ?? 'unfinished'}${entry.error ? ` (${entry.error})` : ''}`,
              );
            }),
          );
        }
        const result = {
          repository: repo.repository,
          dryRun: Boolean(options.dryRun),
          upstreamTags: tags.length,
          enqueued: chosen,
          existing: comparison.existing,
          ignored: comparison.ignored,
        };
        if (options.json) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
        else process.stdout.write(describe(result) + '\n');
        return failed ? ExitCode.failed : ExitCode.ok;
      }),
    );
}

function describe(result: {
  repository: string;
  dryRun: boolean;
  upstreamTags: number;
  enqueued: BackfillTag[];
  existing: string[];
  ignored: Array<{ tag: string; reason: string }>;
}): string {
  const verb = result.dryRun ? 'would enqueue' : 'enqueued';
  const head = `${result.repository}: ${result.upstreamTags} upstream tags; ${verb} ${result.enqueued.length}, ${result.existing.length} have a job, ${result.ignored.length} do not match the configuration`;
  if (!result.enqueued.length) return head;
  return `${head}\n\n${formatTable(
    ['TAG', 'VERSION', result.dryRun ? 'ACTION' : 'STATE'],
    result.enqueued.map((entry) => [
      entry.tag,
      entry.version,
      result.dryRun
        ? 'would enqueue'
        : (entry.state ?? 'enqueued') + (entry.error ? ` (${entry.error})` : ''),
    ]),
  )}`;
}
