import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const GIT_ENV = {
  GIT_AUTHOR_NAME: 'upstream maintainer',
  GIT_AUTHOR_EMAIL: 'maintainer@upstream.invalid',
  GIT_COMMITTER_NAME: 'upstream maintainer',
  GIT_COMMITTER_EMAIL: 'maintainer@upstream.invalid',
};

/** Force-moves an (annotated) tag of a bare upstream to a new commit, as `git tag -f` and `git push -f` would; returns that commit. */
export async function moveUpstreamTag(
  bare: string,
  tag: string,
  files: Record<string, string>,
): Promise<string> {
  const work = await mkdtemp(join(tmpdir(), 'pkgrelay-move-tag-'));
  const git = async (...args: string[]) =>
    (await run('git', ['-C', work, ...args], { env: { ...process.env, ...GIT_ENV } })).stdout.trim();
  try {
    await run('git', ['clone', '-q', bare, work]);
    for (const [path, content] of Object.entries(files)) await writeFile(join(work, path), content);
    await git('add', '-A');
    await git('commit', '-q', '-m', `rewrite ${tag}`);
    await git('tag', '-f', '-a', '-m', `moved ${tag}`, '--', tag);
    await git('push', '-q', '--force', 'origin', 'HEAD:main', `refs/tags/${tag}`);
    return await git('rev-parse', 'HEAD');
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** The commit a tag of a bare repository points at (peeled). */
export async function tagCommit(bare: string, tag: string): Promise<string> {
  return (await run('git', ['-C', bare, 'rev-parse', `${tag}^{commit}`])).stdout.trim();
}
