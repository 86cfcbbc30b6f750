import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createUpstreamRepository } from '../../../local/demo/create-upstream-repository.js';
import { createGitUpstreamTags } from '../../../shared/upstream/create-git-upstream-tags.js';

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
