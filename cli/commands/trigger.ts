import { Argument, Command } from 'commander';
import type { ReleaseRequest } from '../../shared/contracts/release-request.js';
import { isFinal, type JobStatus } from '../../shared/status/job-status.js';
import { createJobProgress } from '../create-job-progress.js';
import { describeActor } from '../describe-actor.js';
import { describeWarning } from '../describe-warning.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { followJob } from '../follow-job.js';
import { openTargetBucket, openTargetQueue } from '../open-target.js';
import { parseRepository, parseSeconds, parseTag } from '../parse-arguments.js';
import { printJson } from '../print-output.js';
import { elapsed, progress } from '../print-progress.js';
import { readJobStatus } from '../read-status.js';
import { addTargetOptions, resolveTarget, type TargetOptions } from '../resolve-target.js';
import { runAction } from '../run-action.js';

interface TriggerOptions extends TargetOptions {
  force?: boolean;
  wait: boolean;
  json?: boolean;
  timeout: number;
}

/** `pkgrelay trigger`: publish the manual release request, then follow its job to the end. */
export function createTriggerCommand(): Command {
  return addTargetOptions(
    new Command('trigger')
      .description(
        'publish a release request for a tag (as `gcloud pubsub topics publish` would) and follow its job',
      )
      .addArgument(new Argument('<repository>', 'owner/name, as configured').argParser(parseRepository))
      .addArgument(new Argument('<tag>', 'the git tag, e.g. v1.2.3').argParser(parseTag))
      .option(
        '--force',
        'run again although the job is final (e.g. after a failure); follows the new attempt',
      )
      .option('--no-wait', 'publish and exit without following the job')
      .option('--timeout <seconds>', 'give up following after this long (exit 1)', parseSeconds, 900)
      .option('--json', 'print the final job status document (or, with --no-wait, the message) on stdout'),
  )
    .addHelpText(
      'after',
      `
The message is exactly what a person could publish:
  gcloud pubsub topics publish pkgrelay-releases --message '{"repository":"owner/name","tag":"v1.2.3"}'
("force": true is added with --force). Exit 0 when the job ends published or skipped, 1 when it fails.`,
    )
    .action(
      runAction(async (repository: string, tag: string, options: TriggerOptions) => {
        const target = await resolveTarget(options);
        const start = Date.now();
        const bucket = await openTargetBucket(target);
        const id = { repository, tag };
        const before = await readJobStatus(bucket, id);
        const message: ReleaseRequest = {
          repository,
          tag,
          ...(options.force ? { force: true } : {}),
          source: { kind: 'manual', event: 'trigger', actor: describeActor() },
        };
        const messageId = await openTargetQueue(target).publish(message);
        progress(`Published ${JSON.stringify(message)} to ${target.topic} (message ${messageId})`);
        if (!options.wait) {
          if (options.json) process.stdout.write(JSON.stringify({ messageId, message }, null, 2) + '\n');
          return ExitCode.ok;
        }
        if (before && isFinal(before.state) && !options.force) {
          progress(
            `The job is already ${before.state} (attempt ${before.attempt}); use --force to run it again.`,
          );
        }
        // A forced re-run of a final job is a new attempt: the old one must not count as its end.
        const afterAttempt = options.force && before && isFinal(before.state) ? before.attempt : 0;
        const display = createJobProgress(start);
        let job: JobStatus;
        try {
          job = await followJob(bucket, id, {
            afterAttempt,
            timeoutMs: options.timeout * 1000,
            onChange: (status) => display.change(status),
          });
        } catch (error) {
          throw new CliError((error as Error).message, ExitCode.failed, { cause: error });
        } finally {
          display.stop();
        }
        if (options.json) printJson(job);
        return reportEnd(job, start);
      }),
    );
}

function reportEnd(job: JobStatus, start: number): number {
  const warnings = (job.warnings ?? [])
    .map((warning) => `\n  warning ${describeWarning(warning, '    ')}`)
    .join('');
  // Two builds: the one that built upstream code, and the one that published what it made.
  const logs = [
    job.build?.logUrl && `\n  build log: ${job.build.logUrl}`,
    job.publishBuild?.logUrl && `\n  publish log: ${job.publishBuild.logUrl}`,
  ];
  const log = `${warnings}${logs.filter(Boolean).join('')}`;
  if (job.state === 'failed') {
    progress(
      `✗ ${job.repository} ${job.tag} failed after ${elapsed(start)}: ${job.error?.code ?? 'UNKNOWN'}: ${job.error?.message ?? 'no message'}${log}`,
    );
    return ExitCode.failed;
  }
  const files = job.artifacts
    .map((artifact) => `\n  ${artifact.filename}  sha256:${artifact.sha256}`)
    .join('');
  progress(
    `✓ ${job.repository} ${job.tag} ${job.state} (version ${job.version}) after ${elapsed(start)}${job.reason ? `: ${job.reason}` : ''}${files}${log}`,
  );
  return ExitCode.ok;
}
