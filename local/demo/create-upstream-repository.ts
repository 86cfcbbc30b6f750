import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface UpstreamRelease {
  /** Files to write (relative path → content) before the commit; earlier files stay unless overwritten. */
  files: Record<string, string>;
  tag: string;
  /** An annotated tag, as most release tooling makes. */
  annotated?: boolean;
}

const GIT_ENV = {
  GIT_AUTHOR_NAME: 'pkgrelay demo',
  GIT_AUTHOR_EMAIL: 'demo@pkgrelay.invalid',
  GIT_COMMITTER_NAME: 'pkgrelay demo',
  GIT_COMMITTER_EMAIL: 'demo@pkgrelay.invalid',
};

/** Makes `<upstreamsDir>/<owner>/<name>.git`, a bare repository with one commit and tag per release, like a GitHub remote. */
export async function createUpstreamRepository(
  upstreamsDir: string,
  repository: string,
  releases: readonly UpstreamRelease[],
): Promise<string> {
  const bare = join(upstreamsDir, `${repository}.git`);
  const work = await mkdtemp(join(tmpdir(), 'pkgrelay-upstream-'));
  const git = (...args: string[]) =>
    run('git', ['-C', work, ...args], { env: { ...process.env, ...GIT_ENV } });
  try {
    await git('init', '-q', '-b', 'main');
    for (const release of releases) await commitRelease(work, git, release);
    await mkdir(dirname(bare), { recursive: true });
    await rm(bare, { recursive: true, force: true });
    await run('git', ['clone', '-q', '--bare', work, bare]);
    return bare;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Adds one more commit and tag to an existing upstream made by createUpstreamRepository. */
export async function addUpstreamRelease(bare: string, release: UpstreamRelease): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'pkgrelay-upstream-'));
  const git = (...args: string[]) =>
    run('git', ['-C', work, ...args], { env: { ...process.env, ...GIT_ENV } });
  try {
    await run('git', ['clone', '-q', bare, work]);
    await commitRelease(work, git, release);
    await git('push', '-q', 'origin', 'HEAD:main', `refs/tags/${release.tag}`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

// Writes the release's files over the work tree, commits them and tags the commit (annotated if asked).
async function commitRelease(
  work: string,
  git: (...args: string[]) => Promise<unknown>,
  release: UpstreamRelease,
): Promise<void> {
  for (const [path, content] of Object.entries(release.files)) {
    await mkdir(dirname(join(work, path)), { recursive: true });
    await writeFile(join(work, path), content);
  }
  await git('add', '-A');
  await git('commit', '-q', '--allow-empty', '-m', `release ${release.tag}`);
  if (release.annotated) await git('tag', '-a', '-m', `release ${release.tag}`, '--', release.tag);
  else await git('tag', '--', release.tag);
}
