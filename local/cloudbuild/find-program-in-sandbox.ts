import { accessSync, constants } from 'node:fs';
import { join, posix } from 'node:path';

const Workspace = '/workspace';

/**
 * Whether bwrap's execvp of `program` on `path` would find it from `cwd`, both as the sandbox sees them:
 * the host's system at its own paths, the build's workspace at /workspace. Asked beforehand, so a missing
 * program is reported as Cloud Build reports it, not as bwrap's exit 1.
 */
export function findProgramInSandbox(program: string, path: string, cwd: string, workspace: string): boolean {
  const toHost = (inside: string): string | undefined => {
    if (inside === Workspace || inside.startsWith(`${Workspace}/`))
      return join(workspace, inside.slice(Workspace.length));
    if (/^\/(usr|bin|sbin|lib\w*)(\/|$)/.test(inside)) return inside;
    return undefined;
  };
  const candidates = program.includes('/')
    ? [posix.resolve(cwd, program)]
    : path
        .split(':')
        .filter(Boolean)
        .map((dir) => posix.join(posix.resolve(cwd, dir), program));
  return candidates.some((candidate) => {
    const host = toHost(candidate);
    if (!host) return false;
    try {
      accessSync(host, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}
