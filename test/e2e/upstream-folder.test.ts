import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followJob } from '../../cli/follow-job.js';
import { invokeReconcile } from '../../cli/invoke-reconcile.js';
import { createUpstreamRepository } from '../../local/demo/create-upstream-repository.js';
import { sampleSetuptoolsProject } from '../../local/demo/sample-project.js';
import { installFromIndex, runPython } from '../../local/python/install-from-index.js';
import { startStack, type Stack } from '../../local/stack/start-stack.js';
import { openStackBucket } from './stack-clients.js';

// Isolated builds install their tools and backend from PyPI: generous against a loaded machine.
const BUILD_TIMEOUT_MS = 240_000;

// PKGRELAY_UPSTREAM_BASE=<a folder of owner/name.git>, as README says: the build's sandboxed fetch step
// cannot see the host's folders, so before the stack served the folder every job failed SOURCE_NOT_FOUND.
describe('an upstream base that is a folder of bare repositories', () => {
  let stack: Stack;
  let folder: string;

  beforeAll(async () => {
    const root = await mkdtemp(join(tmpdir(), 'pkgrelay-e2e-'));
    folder = await mkdtemp(join(tmpdir(), 'pkgrelay-upstreams-'));
    const configPath = join(root, 'repositories.json');
    const entry = { repository: 'octo-org/folded', existingTags: { latest: 1 } };
    await writeFile(configPath, JSON.stringify({ repositories: [entry] }));
    await createUpstreamRepository(folder, 'octo-org/folded', [
      { files: sampleSetuptoolsProject('octo-folded', 'octo_folded', '0.3.0'), tag: 'v0.3.0' },
      { files: sampleSetuptoolsProject('octo-folded', 'octo_folded', '0.4.0'), tag: 'v0.4.0' },
    ]);
    stack = await startStack({ rootDir: root, configPath, upstreamBase: folder });
  });
  afterAll(async () => stack?.stop());

  it(
    'polls a repository in that folder and builds its newest tag into a package pip installs',
    async () => {
      // First contact, as after `pkgrelay repositories add … --existing-tags latest:1`: the newest tag.
      const { report } = await invokeReconcile(stack.info.functions['reconcile'] ?? '');
      expect(report.enqueued.map((job) => job.tag)).toEqual(['v0.4.0']);
      const job = await followJob(
        await openStackBucket(stack.info),
        { repository: 'octo-org/folded', tag: 'v0.4.0' },
        { timeoutMs: BUILD_TIMEOUT_MS },
      );
      expect(job.state, JSON.stringify(job.error)).toBe('published');
      expect(stack.info.upstreamsDir).toBe(folder);
      const { python } = await installFromIndex(stack.info.index.url, 'octo-folded==0.4.0');
      expect(await runPython(python, 'import octo_folded; print(octo_folded.__version__)')).toBe('0.4.0');
    },
    BUILD_TIMEOUT_MS + 60_000,
  );
});
