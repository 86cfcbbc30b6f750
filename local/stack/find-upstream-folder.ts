import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder an upstream base names, if it names one (a path or a `file:` URL), else undefined (a
 * remote such as `https://github.com`, `ssh://…` or `git@host:owner`). A sandboxed build step cannot
 * see the host's folders, so the stack serves such a folder over HTTP as it serves its own upstreams.
 */
export function findUpstreamFolder(upstreamBase: string): string | undefined {
  if (upstreamBase.startsWith('file:')) return fileURLToPath(upstreamBase);
  // A scheme (https://, ssh://, git://) or scp-like `user@host:path` names a remote.
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(upstreamBase) || /^[^/]*@[^/]*:/.test(upstreamBase)) return undefined;
  return resolve(upstreamBase);
}
