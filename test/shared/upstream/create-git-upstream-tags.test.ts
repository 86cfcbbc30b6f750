import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUpstreamRepository } from '../../../local/demo/create-upstream-repository.js';
import { startGitHttpServer, type GitHttpServer } from '../../../local/git/start-git-http-server.js';
import { createGitUpstreamTags } from '../../../shared/upstream/create-git-upstream-tags.js';
import { createGitRecorder } from '../../support/record-git-calls.js';

describe('createGitUpstreamTags (git ls-remote against a local bare repository)', () => {
  let base: string;

  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pkgrelay-upstream-tags-'));
    await createUpstreamRepository(dir, 'octo-org/widgets', [
      { files: { 'a.txt': '1' }, tag: 'v1.0.0', annotated: true },
      { files: { 'a.txt': '2' }, tag: 'release/2.0' },
    ]);
    base = `file://${dir}`;
  });

  it('lists every tag, annotated or not, without peeled duplicates', async () => {
    const tags = await createGitUpstreamTags({ upstreamBase: base }).list('octo-org/widgets');
    expect(tags.sort()).toEqual(['release/2.0', 'v1.0.0']);
  });

  it('says which URL failed when the repository does not exist', async () => {
    await expect(createGitUpstreamTags({ upstreamBase: base }).list('octo-org/missing')).rejects.toThrow(
      /git ls-remote --tags file:\/\/.*octo-org\/missing\.git failed/,
    );
  });

  it('refuses a repository name that is not owner/name before running git', async () => {
    await expect(createGitUpstreamTags({ upstreamBase: base }).list('--upload-pack=evil/x')).rejects.toThrow(
      /not an owner\/name/,
    );
  });
});

describe('createGitUpstreamTags with a token (a private upstream behind the token-guarded git server)', () => {
  const TOKEN = `ghp_${randomBytes(12).toString('hex')}`;
  let server: GitHttpServer;
  let recorder: Awaited<ReturnType<typeof createGitRecorder>>;

  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pkgrelay-upstream-token-'));
    for (const repository of ['vendor/sdk', 'vendor/open'])
      await createUpstreamRepository(join(dir, 'repos'), repository, [
        { files: { 'a.txt': '1' }, tag: 'v1.0.0' },
      ]);
    server = await startGitHttpServer({
      projectRoot: join(dir, 'repos'),
      repositoryTokens: { 'Vendor/SDK': TOKEN },
    });
    recorder = await createGitRecorder(dir);
  });
  afterAll(async () => server?.close());

  it('sends the token through the environment only: the argv git ran with never holds it', async () => {
    const upstream = createGitUpstreamTags({ upstreamBase: server.url, git: recorder.git });
    await expect(upstream.list('vendor/sdk')).rejects.toThrow(/failed/);
    expect(await upstream.list('vendor/sdk', { token: TOKEN })).toEqual(['v1.0.0']);
    expect(await upstream.list('vendor/open')).toEqual(['v1.0.0']);
    const calls = await recorder.calls();
    expect(calls).toHaveLength(3);
    expect(JSON.stringify(calls.map((call) => call.argv))).not.toContain(TOKEN.slice(4));
    expect(calls[1]?.envNames).toEqual(expect.arrayContaining(['GIT_CONFIG_COUNT', 'GIT_CONFIG_VALUE_0']));
    expect(calls[0]?.envNames).not.toContain('GIT_CONFIG_VALUE_0');
    // Without the token the private one is refused; the public one needs none.
    expect(
      server.requests.filter((request) => request.status === 401).map((request) => request.path),
    ).toEqual(expect.arrayContaining(['/vendor/sdk.git/info/refs']));
    expect(server.requests.some((r) => r.status === 401 && r.path.startsWith('/vendor/open'))).toBe(false);
  });

  it('keeps the token out of the error of a refused token', async () => {
    const wrong = `${TOKEN}x`;
    const failure = await createGitUpstreamTags({ upstreamBase: server.url })
      .list('vendor/sdk', { token: wrong })
      .catch((error: Error) => error);
    expect(failure).toBeInstanceOf(Error);
    expect(
      JSON.stringify({ message: (failure as Error).message, cause: (failure as Error).cause }),
    ).not.toContain(TOKEN);
  });
});
