import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexObjectPath, jobObjectPath } from '../../shared/contracts/job-id.js';
import type { JobStatus } from '../../shared/status/job-status.js';
import { indexEntryOf, type RepositoryIndex } from '../../shared/status/repository-index.js';
import { startTestStorage, type TestStorage } from '../local/storage/start-test-storage.js';
import { runCli } from './run-cli.js';
import { writeBucketStack } from './write-bucket-stack.js';

const AT = '2026-11-30T12:00:00.000Z';
const GOOD = { repository: 'octo-org/widgets', tag: 'v1.0.0' };
const HOSTILE = { repository: 'octo-org/hostile', tag: 'v1.0.0' };
const JOB: JobStatus = {
  schemaVersion: 1,
  ...GOOD,
  version: '1.0.0',
  state: 'published',
  attempt: 1,
  createdAt: AT,
  updatedAt: AT,
  artifacts: [],
  history: [{ state: 'published', at: AT, attempt: 1 }],
};

describe('pkgrelay status on documents that fail their schema', () => {
  let storage: TestStorage;
  let stackDir: string;
  const status = (...args: string[]) => runCli(['status', ...args, '--stack', stackDir]);

  beforeAll(async () => {
    storage = await startTestStorage();
    const [bucket] = await storage.storage.createBucket('pkgrelay-status');
    const index: RepositoryIndex = {
      schemaVersion: 1,
      repository: GOOD.repository,
      updatedAt: AT,
      jobs: [indexEntryOf(JOB, jobObjectPath(GOOD))],
    };
    await bucket.file(jobObjectPath(GOOD)).save(JSON.stringify({ ...JOB, state: 'constructor' }));
    await bucket.file(indexObjectPath(GOOD.repository)).save(JSON.stringify(index));
    await bucket.file(jobObjectPath(HOSTILE)).save('{"state": "publ');
    await bucket.file(indexObjectPath(HOSTILE.repository)).save('{"__proto__": {"jobs": []}, "jobs": 7}');
    stackDir = await writeBucketStack(storage.server.url);
  });
  afterAll(() => storage?.stop());

  it('says a job document is unreadable, and why, with exit 1', async () => {
    const run = await status(GOOD.repository, GOOD.tag);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'jobs/octo-org/widgets/v1.0.0.json is unreadable (fails its schema: state: Invalid option',
    );
    const notJson = await status(HOSTILE.repository, HOSTILE.tag);
    expect(notJson.code).toBe(1);
    expect(notJson.stderr).toContain('jobs/octo-org/hostile/v1.0.0.json is unreadable (not JSON: ');
  });

  it('says an index is unreadable', async () => {
    const run = await status(HOSTILE.repository);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/repos\/octo-org\/hostile\/index\.json is unreadable \(fails its schema: /);
  });

  it('lists every repository it can read, and names the one it cannot', async () => {
    const run = await status();
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^octo-org\/hostile +UNREADABLE /m);
    expect(run.stdout).toMatch(/^octo-org\/widgets +1 +1 /m);
    expect(run.stdout).toMatch(/^repos\/octo-org\/hostile\/index\.json is unreadable \(fails its schema: /m);
    const json = JSON.parse((await status('--json')).stdout) as Array<Record<string, unknown>>;
    expect(json).toEqual([
      {
        repository: 'octo-org/hostile',
        path: 'repos/octo-org/hostile/index.json',
        unreadable: expect.stringMatching(/^fails its schema: /),
      },
      expect.objectContaining({ repository: 'octo-org/widgets', jobs: 1, published: 1 }),
    ]);
  });
});
