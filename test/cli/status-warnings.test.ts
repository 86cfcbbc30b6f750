import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexObjectPath, jobObjectPath } from '../../shared/contracts/job-id.js';
import type { JobStatus } from '../../shared/status/job-status.js';
import { indexEntryOf, type RepositoryIndex } from '../../shared/status/repository-index.js';
import { startTestStorage, type TestStorage } from '../local/storage/start-test-storage.js';
import { runCli } from './run-cli.js';
import { writeBucketStack } from './write-bucket-stack.js';

const ESC = '\u001b';
// Any control character a terminal acts on: C0 but tab and newline, DEL, C1.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
const ID = { repository: 'octo-org/widgets', tag: 'v1.0.0' };
const AT = '2026-11-30T12:00:00.000Z';

// A document as an older writer (or anyone with write access to the bucket) may have left it: raw terminal controls.
const JOB: JobStatus = {
  schemaVersion: 1,
  ...ID,
  version: '1.0.0',
  state: 'published',
  attempt: 1,
  createdAt: AT,
  updatedAt: AT,
  build: { id: `b-1${ESC}]0;pwned\u0007`, status: 'SUCCESS' },
  artifacts: [],
  warnings: [
    {
      code: 'LONG_DESCRIPTION_MISSING',
      message: `${ESC}[33mWARNING${ESC}[0m \`long_description\` missing.\nAdd readme = "README.md" to [project].`,
      file: 'widgets-1.0.0.tar.gz',
    },
    {
      code: 'LONG_DESCRIPTION_CONTENT_TYPE_MISSING',
      message: `no content type\r\u009b2Jset it${ESC}]52;c;ZXZpbA==\u0007`,
    },
  ],
  history: [{ state: 'published', at: AT, attempt: 1, note: `done${ESC}[2K` }],
};

describe('pkgrelay status shows warnings, and nothing from the bucket steers the terminal', () => {
  let storage: TestStorage;
  let stackDir: string;
  const status = async (...args: string[]) => {
    const run = await runCli(['status', ...args, '--stack', stackDir]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).not.toMatch(CONTROL);
    expect(run.stderr).not.toMatch(CONTROL);
    return run.stdout;
  };

  beforeAll(async () => {
    storage = await startTestStorage();
    const [bucket] = await storage.storage.createBucket('pkgrelay-status');
    const index: RepositoryIndex = {
      schemaVersion: 1,
      repository: ID.repository,
      updatedAt: AT,
      jobs: [indexEntryOf(JOB, jobObjectPath(ID))],
    };
    await bucket.file(jobObjectPath(ID)).save(JSON.stringify(JOB));
    await bucket.file(indexObjectPath(ID.repository)).save(JSON.stringify(index));
    stackDir = await writeBucketStack(storage.server.url);
  });
  afterAll(() => storage?.stop());

  it('prints a job\u2019s warnings under it, code, file and message', async () => {
    const text = await status(ID.repository, ID.tag);
    expect(text).toContain(
      'Warnings (2):\n' +
        '  LONG_DESCRIPTION_MISSING (widgets-1.0.0.tar.gz): WARNING `long_description` missing.\n' +
        '    Add readme = "README.md" to [project].\n' +
        '  LONG_DESCRIPTION_CONTENT_TYPE_MISSING: no content typeset it\n',
    );
    expect(text).toMatch(/^Build: +b-1 \(SUCCESS\)$/m);
  });

  it('marks the job in the repository\u2019s list with its warning count', async () => {
    expect(await status(ID.repository)).toMatch(/^v1\.0\.0 +1\.0\.0 +published \(2 warnings\) +1 /m);
  });

  it('prints the same document as JSON, its controls escaped', async () => {
    const json = await status(ID.repository, ID.tag, '--json');
    expect(json).toContain('\\u001b[33mWARNING');
    expect(json).toContain('\\u009b2J');
    expect(JSON.parse(json)).toEqual(JOB);
  });
});
