import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Storage, type Bucket } from '@google-cloud/storage';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPackageRoot } from '../../local/stack/find-package-root.js';
import { startStorageServer, type StorageServer } from '../../local/storage/start-storage-server.js';
import { indexObjectPath, jobObjectPath } from '../../shared/contracts/job-id.js';
import { uploadStatusPage } from '../../shared/status-page/upload-status-page.js';
import type { JobStatus } from '../../shared/status/job-status.js';
import { indexEntryOf } from '../../shared/status/repository-index.js';

const AT = new Date().toISOString();
const GOOD = { repository: 'octo-org/good', tag: 'v1.0.0' };
const HOSTILE = 'octo-org/hostile';
const MIXED = { repository: 'octo-org/mixed', tag: 'v2.0.0' };
const BROKEN = { repository: 'octo-org/mixed', tag: 'v3.0.0' };

function published({ repository, tag }: { repository: string; tag: string }): JobStatus {
  return {
    schemaVersion: 1,
    repository,
    tag,
    version: tag.slice(1),
    state: 'published',
    attempt: 1,
    createdAt: AT,
    updatedAt: AT,
    build: { id: 'b-1', logUrl: 'https://logs.example/b-1' },
    artifacts: [
      { filename: 'good-1.0.0.tar.gz', sha256: 'a'.repeat(64), size: 10, kind: 'sdist', uploaded: true },
    ],
    history: [{ state: 'published', at: AT, attempt: 1 }],
  };
}

const index = (repository: string, jobs: JobStatus[]) => ({
  schemaVersion: 1,
  repository,
  updatedAt: AT,
  jobs: jobs.map((job) => indexEntryOf(job, jobObjectPath(job))),
});

describe('the status page with hostile documents in the bucket, in headless Chromium', () => {
  let server: StorageServer;
  let bucket: Bucket;
  let browser: Browser;
  let url: string;

  beforeAll(async () => {
    server = await startStorageServer({ dataDir: await mkdtemp(join(tmpdir(), 'pkgrelay-hostile-page-')) });
    const storage = new Storage({ apiEndpoint: server.url, projectId: 'p' });
    [bucket] = await storage.createBucket('pkgrelay-status');
    ({ url } = await uploadStatusPage(bucket, join(findPackageRoot(), 'status-page'), {
      publicBase: server.url,
    }));
    const save = (path: string, body: unknown) =>
      bucket.file(path).save(typeof body === 'string' ? body : JSON.stringify(body), { resumable: false });
    const good = published(GOOD);
    const mixed = published(MIXED);
    await Promise.all([
      save(jobObjectPath(GOOD), good),
      save(indexObjectPath(GOOD.repository), index(GOOD.repository, [good])),
      save('repos/octo-org/good/badge.json', {
        schemaVersion: 1,
        label: 'constructor',
        message: 'v1.0.0',
        color: 'constructor',
      }),
      // Keys and values that find Object's own properties, and wrong types everywhere.
      save(
        indexObjectPath(HOSTILE),
        '{"__proto__": {"jobs": []}, "repository": {"constructor": 1}, "jobs": [' +
          '{"tag": "v1", "state": "constructor", "attempt": 1, "updatedAt": 5, "path": "../../etc"},' +
          '{"tag": {"toString": 1}, "state": "__proto__", "attempt": "1", "path": 3}]}',
      ),
      save(indexObjectPath(MIXED.repository), index(MIXED.repository, [mixed, published(BROKEN)])),
      save(jobObjectPath(MIXED), {
        ...mixed,
        state: 'constructor',
        history: '__proto__',
        artifacts: { length: 3 },
      }),
      save(jobObjectPath(BROKEN), '{"state": "publ'),
    ]);
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('renders every repository it can, and says which documents it cannot read', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${url}?poll=500`);
    const section = (name: string) =>
      page.locator('section.repository', { has: page.getByRole('heading', { name, exact: true }) });

    const good = section(GOOD.repository);
    await expect.poll(() => good.locator('tr.job--published').count(), { timeout: 15_000 }).toBe(1);
    expect(await good.locator('.artifact-name').textContent()).toBe('good-1.0.0.tar.gz');
    expect(await good.locator('.badge').count()).toBe(1);

    const hostile = section(HOSTILE);
    expect(await hostile.locator('.repository-summary').textContent()).toMatch(
      /^Unreadable: repos\/octo-org\/hostile\/index\.json: its index lists a job it cannot read\.$/,
    );
    expect(await hostile.locator('tr.job').count()).toBe(0);

    // Its index is fine: both versions are listed from it, each saying its own document is unreadable.
    const mixed = section(MIXED.repository);
    expect(await mixed.locator('tr.job--published').count()).toBe(2);
    expect(await mixed.locator('.problem-note').allTextContents()).toEqual([
      expect.stringMatching(/^Its status document is unreadable/),
      expect.stringMatching(/^Its status document is unreadable/),
    ]);
    expect(await page.locator('#problem').isHidden()).toBe(true);
    expect(await page.locator('#overview-heading').textContent()).toBe('Every build finished');
    expect(errors).toEqual([]);
    await page.close();
  });
});
