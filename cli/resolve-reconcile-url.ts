import { readStackInfo } from '../local/stack/stack-info.js';
import { CliError, ExitCode } from './exit-codes.js';

/** The reconcile function's URL: the one given (Google Cloud, authenticated), else the local stack's. */
export async function resolveReconcileUrl(options: {
  url?: string;
  stack: string;
}): Promise<{ url: string; local: boolean }> {
  if (options.url) return { url: options.url, local: false };
  let stack;
  try {
    stack = await readStackInfo(options.stack);
  } catch (error) {
    throw new CliError(`${(error as Error).message} Or give --url.`, ExitCode.unreachable);
  }
  const url = stack.functions['reconcile'];
  if (!url)
    throw new CliError('The local stack runs no reconcile function; restart it', ExitCode.unreachable);
  return { url, local: true };
}
