import type { Command } from 'commander';
import { readStackInfo, type StackInfo } from '../local/stack/stack-info.js';
import { CliError, ExitCode } from './exit-codes.js';

export interface TargetOptions {
  stack?: string;
  project?: string;
  bucket?: string;
  topic?: string;
}

/** Where a command sends its requests and reads job status: the local stack, or a Google Cloud project. */
export type Target =
  | {
      kind: 'local';
      projectId: string;
      bucket: string;
      topic: string;
      storageHost: string;
      pubsubHost: string;
      stack: StackInfo;
    }
  | { kind: 'cloud'; projectId: string; bucket: string; topic: string };

/** Adds --stack, --project, --bucket and --topic to a command. */
export function addTargetOptions(command: Command): Command {
  return command
    .option('--stack <dir>', 'the local stack folder holding stack.json', '.pkgrelay')
    .option('--project <id>', 'Google Cloud project (instead of the local stack)')
    .option('--bucket <name>', 'the status bucket in Google Cloud (with --project)')
    .option('--topic <name>', 'the releases topic in Google Cloud', 'pkgrelay-releases');
}

/** Reads the target from the options; a missing stack.json is exit code 3, --project without --bucket is 2. */
export async function resolveTarget(options: TargetOptions): Promise<Target> {
  if (options.project) {
    if (!options.bucket) throw new CliError('--project needs --bucket, the status bucket', ExitCode.usage);
    return {
      kind: 'cloud',
      projectId: options.project,
      bucket: options.bucket,
      topic: options.topic ?? 'pkgrelay-releases',
    };
  }
  if (options.bucket)
    throw new CliError('--bucket needs --project (or neither, for the local stack)', ExitCode.usage);
  let stack: StackInfo;
  try {
    stack = await readStackInfo(options.stack ?? '.pkgrelay');
  } catch (error) {
    throw new CliError((error as Error).message, ExitCode.unreachable, { cause: error });
  }
  // Nothing on the local stack runs on Google Cloud: the client libraries must not look for a metadata server.
  process.env['METADATA_SERVER_DETECTION'] ??= 'none';
  return {
    kind: 'local',
    projectId: stack.projectId,
    bucket: stack.storage.bucket,
    topic: stack.pubsub.topic,
    storageHost: stack.storage.host,
    pubsubHost: stack.pubsub.host,
    stack,
  };
}
