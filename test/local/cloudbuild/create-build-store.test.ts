import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Build } from '../../../local/cloudbuild/build-types.js';
import { createBuildStore } from '../../../local/cloudbuild/create-build-store.js';

function build(status: Build['status'], step = 0): Build {
  return {
    name: 'projects/p/builds/b-1',
    id: 'b-1',
    projectId: 'p',
    status,
    steps: [{ name: 'bash', args: [`step ${step}`] }] as Build['steps'],
    timeout: '600s',
    createTime: '2026-12-01T00:00:00.000Z',
    logUrl: 'http://127.0.0.1/logs/b-1',
  };
}

describe('the Cloud Build stand-in keeps every build on disk', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'pkgrelay-build-store-'));
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  const onDisk = async (): Promise<Build> =>
    JSON.parse(await readFile(join(dataDir, 'builds', 'b-1', 'build.json'), 'utf8')) as Build;

  it('lands the newest of many concurrent saves, and a new store reads it back', async () => {
    const store = await createBuildStore(dataDir);
    await Promise.all(Array.from({ length: 25 }, (_, i) => store.save(build('WORKING', i))));
    await store.save(build('SUCCESS', 25));
    expect(await onDisk()).toMatchObject({ status: 'SUCCESS', steps: [{ args: ['step 25'] }] });
    expect((await createBuildStore(dataDir)).get('b-1')).toMatchObject({ status: 'SUCCESS' });
  });

  it('still writes the final state after one save failed', async () => {
    const store = await createBuildStore(dataDir);
    await store.save(build('QUEUED'));
    // A directory where the temporary file goes makes exactly the next write fail (EISDIR), even as root.
    const temporary = join(dataDir, 'builds', 'b-1', 'build.json.tmp');
    await mkdir(temporary);
    await expect(store.save(build('WORKING'))).rejects.toThrow(/EISDIR/);
    await rm(temporary, { recursive: true });
    await store.save(build('SUCCESS'));
    expect(await onDisk()).toMatchObject({ status: 'SUCCESS' });
  });
});
