import { isAbsolute, join, relative, resolve } from 'node:path';

import type { Result } from '../../shared/contracts/result.js';

export type StepCommand = Result<{ program: string; args: string[] }>;

/**
 * Picks the host program for a step: its `entrypoint`; else the builder a `gcr.io/cloud-builders/X`
 * image is named after; else, as for images without an entrypoint, the first argument.
 */
export function resolveStepProgram(
  name: string,
  entrypoint: string | undefined,
  args: readonly string[],
): StepCommand {
  if (entrypoint) return { success: true, data: { program: entrypoint, args: [...args] } };
  const builder = /^(?:[a-z0-9-]+\.)?gcr\.io\/cloud-builders\/([^:@/]+)/.exec(name)?.[1];
  if (builder) return { success: true, data: { program: builder, args: [...args] } };
  const [first, ...rest] = args;
  if (!first) return { success: false, error: `step image "${name}" has no entrypoint and no args to run` };
  return { success: true, data: { program: first, args: rest } };
}

/** Maps a step's `dir` into the build's workspace (`/workspace/x` and `x` alike); undefined when it escapes. */
export function resolveStepDir(workspace: string, dir: string | undefined): string | undefined {
  const inside = dir?.startsWith('/workspace')
    ? dir.slice('/workspace'.length).replace(/^\/+/, '')
    : (dir ?? '');
  if (isAbsolute(inside)) return undefined;
  const target = resolve(workspace, inside);
  const path = relative(workspace, target);
  if (path.startsWith('..') || isAbsolute(path)) return undefined;
  return join(workspace, path);
}
