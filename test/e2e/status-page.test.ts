import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Bucket } from '@google-cloud/storage';
import { chromium, type Browser, type Page } from 'playwright-core';
import { publishReleaseRequests } from './stack-clients.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followJob } from '../../cli/follow-job.js';
import { openStatusBucket } from '../../cli/read-status.js';
import { createUpstreamRepository } from '../../local/demo/create-upstream-repository.js';
import { sampleSetuptoolsProject } from '../../local/demo/sample-project.js';
import { findPackageRoot } from '../../local/stack/find-package-root.js';
import { startStack, type Stack } from '../../local/stack/start-stack.js';
import { createGcsDocumentStore } from '../../shared/adapters/create-gcs-document-store.js';
import type { DocumentStore } from '../../shared/ports/document-store.js';
import type { JobStatus } from '../../shared/status/job-status.js';
import { updateJob } from '../../shared/status/update-job.js';

const ChromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const Artifacts = join(findPackageRoot(), 'test-artifacts');

// The little of the DOM the in-page checks use; tsconfig leaves the DOM library out, as the code runs on Node.
interface DomElement {
  parentElement: DomElement | null;
  textContent: string | null;
  getBoundingClientRect(): { width: number; height: number };
  closest(selector: string): DomElement | null;
}
interface BrowserGlobals {
  document: {
    body: DomElement;
    activeElement: DomElement | null;
    documentElement: { scrollWidth: number };
    createTreeWalker(root: DomElement, show: number): { nextNode(): DomElement | null };
  };
  getComputedStyle(element: DomElement): {
    color: string;
    backgroundColor: string;
    visibility: string;
    display: string;
    outlineStyle: string;
  };
  pkgrelayNotReloaded?: boolean;
}

describe('the status page on the local stack, in headless Chromium', () => {
  let stack: Stack;
  let bucket: Bucket;
  let store: DocumentStore;
  let browser: Browser;
  let published: JobStatus;
  let failed: JobStatus;

  beforeAll(async () => {
    const root = await mkdtemp(join(tmpdir(), 'pkgrelay-status-page-'));
    const configPath = join(root, 'repositories.json');
    await writeFile(
      configPath,
      JSON.stringify({
        repositories: [{ repository: 'Octo-Org/Widgets' }, { repository: 'octo-org/notes' }],
      }),
    );
    await createUpstreamRepository(join(root, 'upstreams'), 'Octo-Org/Widgets', [
      // No README: the check step publishes it with a LONG_DESCRIPTION_MISSING warning.
      {
        files: withoutReadme(sampleSetuptoolsProject('octo-widgets', 'octo_widgets', '0.1.0')),
        tag: 'v0.1.0',
      },
    ]);
    // A project whose setup.py fails: its build fails with BUILD_FAILED and the last lines of the build's output.
    await createUpstreamRepository(join(root, 'upstreams'), 'octo-org/notes', [
      { files: brokenProject(), tag: 'v1.0.0' },
    ]);
    const [started, launched] = await Promise.all([
      // Offline builds: what the page shows does not depend on how a backend is installed.
      startStack({
        rootDir: root,
        configPath,
        functions: ['webhook', 'worker', 'buildEvents'],
        buildIsolation: false,
      }),
      chromium.launch({ executablePath: '/usr/bin/chromium', args: ChromiumArgs }),
      mkdir(Artifacts, { recursive: true }),
    ]);
    stack = started;
    browser = launched;
    const { host, bucket: name } = stack.info.storage;
    bucket = await openStatusBucket(name, { apiEndpoint: host, projectId: stack.info.projectId });
    store = createGcsDocumentStore({ bucket: name, projectId: stack.info.projectId, apiEndpoint: host });

    await publishReleaseRequests(stack.info, [
      { repository: 'octo-org/widgets', tag: 'v0.1.0' },
      { repository: 'octo-org/notes', tag: 'v1.0.0' },
    ]);
    [published, failed] = await Promise.all([
      followJob(bucket, { repository: 'octo-org/widgets', tag: 'v0.1.0' }, { timeoutMs: 60_000 }),
      followJob(bucket, { repository: 'octo-org/notes', tag: 'v1.0.0' }, { timeoutMs: 60_000 }),
    ]);
    // The third job is held in `building`, written the way the worker writes it, so the test decides when it ends.
    await updateJob(
      store,
      { repository: 'Octo-Org/Widgets', tag: 'v0.2.0' },
      () => ({ write: heldBuild() }),
      now,
    );
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('serves the page and its assets from the bucket with Content-Type and Cache-Control', async () => {
    expect(stack.info.statusPage.url).toBe(`${stack.info.storage.host}/pkgrelay-status/index.html`);
    const page = await fetch(stack.info.statusPage.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('cache-control')).toBe('public, max-age=60');
    expect(await page.text()).toContain('<meta name="pkgrelay-bucket" content="pkgrelay-status" />');
    const script = await fetch(new URL('status/status-page.js', stack.info.statusPage.url));
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const index = await fetch(`${stack.info.storage.host}/pkgrelay-status/repos/octo-org/widgets/index.json`);
    expect(index.headers.get('content-type')).toMatch(/^application\/json/);
    expect(index.headers.get('cache-control')).toBe('no-cache, max-age=0');
  });

  it('shows published, failed and running jobs, and follows a job to its end without a reload', async () => {
    expect(published.state, JSON.stringify(published.error)).toBe('published');
    expect(failed.state).toBe('failed');
    expect(failed.error?.code).toBe('BUILD_FAILED');
    expect(failed.error?.logTail).toContain('needs a Fortran compiler');

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems = watchForProblems(page);
    await page.goto(`${stack.info.statusPage.url}?poll=500`);
    const widgets = page.locator('section.repository', {
      has: page.getByRole('heading', { name: 'Octo-Org/Widgets' }),
    });
    const notes = page.locator('section.repository', {
      has: page.getByRole('heading', { name: 'octo-org/notes' }),
    });
    const row = (section: typeof widgets, tag: string) => section.locator(`tbody tr[data-key="${tag}"]`);

    await expect.poll(() => row(widgets, 'v0.2.0').getAttribute('data-state')).toBe('building');
    expect(await row(widgets, 'v0.1.0').getAttribute('data-state')).toBe('published');
    expect(await row(notes, 'v1.0.0').getAttribute('data-state')).toBe('failed');
    // States are words and shapes, not colour alone.
    expect(await row(widgets, 'v0.1.0').locator('.state').textContent()).toBe('Published');
    expect(await row(widgets, 'v0.2.0').locator('.state').textContent()).toBe('Building');
    expect(await row(notes, 'v1.0.0').locator('.state').textContent()).toBe('Failed');

    // Published: artifacts with their sha256, and the build log.
    for (const artifact of published.artifacts) {
      const item = row(widgets, 'v0.1.0').locator('li.artifact', { hasText: artifact.filename });
      expect(await item.locator('.sha-value').textContent()).toBe(artifact.sha256);
    }
    const log = row(widgets, 'v0.1.0').getByRole('link', { name: 'Build log for v0.1.0' });
    expect(await log.getAttribute('href')).toBe(published.build?.logUrl);
    // The check step's warning, beside the state and with the outcome.
    expect(published.warnings?.map((warning) => warning.code)).toEqual(['LONG_DESCRIPTION_MISSING']);
    expect(await row(widgets, 'v0.1.0').locator('.warning-marker').textContent()).toBe('1 warning');
    expect(await row(widgets, 'v0.1.0').locator('.warning-message').textContent()).toBe(
      published.warnings?.[0]?.message,
    );
    // The badge, drawn from badge.json and read as one phrase.
    // badge.json is written after the job document: poll rather than read once.
    await expect
      .poll(() => widgets.getByRole('img', { name: 'Widgets: v0.1.0' }).isVisible(), { timeout: 30_000 })
      .toBe(true);

    // Failed: code, step, message, and the log tail behind a <details>, opened from the keyboard.
    const failure = row(notes, 'v1.0.0');
    expect(await failure.locator('.failure-code').textContent()).toBe('BUILD_FAILED');
    expect(await failure.locator('.failure-message').textContent()).toBe(failed.error?.message);
    if (failed.error?.step)
      expect(await failure.locator('.failure-step').textContent()).toContain(failed.error.step);
    const summary = failure.locator('details.log-tail > summary');
    {
      await summary.focus();
      expect(
        await summary.evaluate(
          (node) =>
            (globalThis as unknown as BrowserGlobals).getComputedStyle(node as unknown as DomElement)
              .outlineStyle,
        ),
      ).not.toBe('none');
      await page.keyboard.press('Enter');
      expect(await failure.locator('details.log-tail pre').isVisible()).toBe(true);
    }

    // Tables a screen reader can walk: caption, column and row headers.
    expect(await widgets.locator('caption').textContent()).toBe('Versions of Octo-Org/Widgets, newest first');
    expect(await widgets.locator('thead th[scope="col"]').count()).toBe(5);
    expect(await widgets.locator('tbody th[scope="row"]').count()).toBe(2);
    expect(await page.getByRole('main').count()).toBe(1);
    expect(await page.locator('[aria-live="polite"]').count()).toBe(1);
    expect(await lowContrastText(page)).toEqual([]);

    await page.screenshot({ path: join(Artifacts, 'status-page-desktop.png'), fullPage: true });

    // The held build ends; the page picks it up by polling, without a reload.
    await page.evaluate(() => Object.assign(globalThis, { pkgrelayNotReloaded: true }));
    await row(widgets, 'v0.2.0').getByRole('link', { name: 'Build log for v0.2.0' }).focus();
    await updateJob(store, { repository: 'Octo-Org/Widgets', tag: 'v0.2.0' }, finishHeldBuild, now);
    await expect
      .poll(() => row(widgets, 'v0.2.0').getAttribute('data-state'), { timeout: 15_000 })
      .toBe('published');
    expect(await page.evaluate(() => (globalThis as unknown as BrowserGlobals).pkgrelayNotReloaded)).toBe(
      true,
    );
    expect(await page.locator('#announcer').textContent()).toContain(
      'Octo-Org/Widgets 0.2.0: building → published.',
    );
    expect(await widgets.getByRole('img', { name: 'Widgets: v0.2.0' }).isVisible()).toBe(true);
    // Its build's warning: a marker beside the state, the message with the outcome, a word for screen readers.
    const warned = row(widgets, 'v0.2.0');
    expect(await warned.locator('.warning-marker').textContent()).toBe('1 warning');
    expect(await warned.locator('.warning-code').textContent()).toBe(HeldWarning.code);
    expect(await warned.locator('.warning-message').textContent()).toBe(HeldWarning.message);
    expect(await warned.locator('.warning-message').isVisible()).toBe(true);
    expect(await page.locator('#announcer').textContent()).toContain('building → published. 1 warning.');
    // The untouched row kept its open log tail; focus in the rebuilt row moved to the same link in the new one.
    expect(await failure.locator('details.log-tail').getAttribute('open')).toBe('');
    expect(
      await row(widgets, 'v0.2.0')
        .getByRole('link', { name: 'Build log for v0.2.0' })
        .evaluate(
          (node) => (node as unknown) === (globalThis as unknown as BrowserGlobals).document.activeElement,
        ),
    ).toBe(true);
    // Every job is final: the page stops polling.
    await expect.poll(() => page.locator('#refresh-note').textContent()).toContain('stopped checking');
    await page.screenshot({ path: join(Artifacts, 'status-page-desktop-finished.png'), fullPage: true });
    expect(problems).toEqual([]);
    await context.close();
  });

  it('reads on a 390 px phone and in dark mode', async () => {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      colorScheme: 'dark',
    });
    const page = await context.newPage();
    const problems = watchForProblems(page);
    await page.goto(stack.info.statusPage.url);
    await page.locator('tbody tr[data-state="failed"]').waitFor();
    await page.locator('details.log-tail > summary').click();
    // Nothing wider than the screen: no sideways scrolling on a phone.
    expect(
      await page.evaluate(
        () => (globalThis as unknown as BrowserGlobals).document.documentElement.scrollWidth,
      ),
    ).toBeLessThanOrEqual(390);
    expect(await lowContrastText(page)).toEqual([]);
    await page.screenshot({ path: join(Artifacts, 'status-page-390px-dark.png'), fullPage: true });
    await page.emulateMedia({ colorScheme: 'light' });
    expect(await lowContrastText(page)).toEqual([]);
    await page.screenshot({ path: join(Artifacts, 'status-page-390px.png'), fullPage: true });
    expect(problems).toEqual([]);
    await context.close();
  });
});

const now = (): Date => new Date();

function withoutReadme(files: Record<string, string>): Record<string, string> {
  const { 'README.md': _readme, ...rest } = files;
  const pyproject = (rest['pyproject.toml'] ?? '').replace(/^readme = .*\n/m, '');
  return { ...rest, 'pyproject.toml': pyproject };
}

function brokenProject(): Record<string, string> {
  return {
    'pyproject.toml':
      '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n\n' +
      '[project]\nname = "octo-notes"\nversion = "1.0.0"\n',
    'setup.py': 'raise SystemExit("octo-notes needs a Fortran compiler to build its extension")\n',
  };
}

function heldBuild(): JobStatus {
  const at = new Date().toISOString();
  return {
    schemaVersion: 1,
    repository: 'Octo-Org/Widgets',
    tag: 'v0.2.0',
    version: '0.2.0',
    state: 'building',
    attempt: 1,
    createdAt: at,
    updatedAt: at,
    build: { id: 'held-open-build', logUrl: 'http://127.0.0.1:9/builds/held-open-build', status: 'WORKING' },
    artifacts: [],
    history: [
      { state: 'queued', at, attempt: 1 },
      { state: 'building', at, attempt: 1 },
    ],
  };
}

const HeldWarning = {
  code: 'LONG_DESCRIPTION_MISSING',
  message: 'octo-widgets-0.2.0.tar.gz has no long description: add readme = "README.md" to [project]',
  file: 'octo-widgets-0.2.0.tar.gz',
};

function finishHeldBuild(current: JobStatus | undefined): { write: JobStatus } {
  if (!current) throw new Error('The held build vanished');
  const at = new Date().toISOString();
  return {
    write: {
      ...current,
      state: 'published',
      updatedAt: at,
      build: { ...current.build, id: 'held-open-build', status: 'SUCCESS' },
      artifacts: [
        {
          filename: 'octo_widgets-0.2.0-py3-none-any.whl',
          sha256: 'a'.repeat(64),
          size: 1520,
          kind: 'wheel',
          uploaded: true,
        },
        {
          filename: 'octo-widgets-0.2.0.tar.gz',
          sha256: 'b'.repeat(64),
          size: 1130,
          kind: 'sdist',
          uploaded: true,
        },
      ],
      warnings: [HeldWarning],
      history: [...current.history, { state: 'published', at, attempt: 1 }],
    },
  };
}

/** Script errors and failed requests: the page must run clean. */
function watchForProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    // Failed loads are judged below, by URL.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
      problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()}`));
  page.on('response', (response) => {
    // badge.json may lag its index by a moment, and the page copes with its absence.
    if (response.status() >= 400 && !response.url().endsWith('/badge.json'))
      problems.push(`${response.status()}: ${response.url()}`);
  });
  return problems;
}

/** Visible text whose colour against its nearest opaque background is under 4.5:1 (WCAG AA, normal text). */
function lowContrastText(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const { document, getComputedStyle } = globalThis as unknown as BrowserGlobals;
    const parse = (color: string): number[] => (color.match(/[\d.]+/g) ?? []).map(Number);
    const luminance = ([r = 0, g = 0, b = 0]: number[]): number => {
      const [lr = 0, lg = 0, lb = 0] = [r, g, b].map((v) => {
        const c = v / 255;
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * lr + 0.7152 * lg + 0.0722 * lb;
    };
    const background = (element: DomElement | null): number[] => {
      for (let node = element; node; node = node.parentElement) {
        const color = parse(getComputedStyle(node).backgroundColor);
        if (color.length === 3 || (color[3] ?? 0) >= 0.99) return color.slice(0, 3);
      }
      return [255, 255, 255];
    };
    const failures: string[] = [];
    const walker = document.createTreeWalker(document.body, 4 /* NodeFilter.SHOW_TEXT */);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const element = node.parentElement;
      if (!element || !node.textContent?.trim()) continue;
      const rect = element.getBoundingClientRect();
      if (rect.width <= 1 || rect.height <= 1 || element.closest('[hidden], .visually-hidden')) continue;
      const style = getComputedStyle(element);
      if (style.visibility === 'hidden' || style.display === 'none') continue;
      const fg = luminance(parse(style.color));
      const bg = luminance(background(element));
      const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
      if (ratio < 4.5) failures.push(`${ratio.toFixed(2)}:1 "${node.textContent.trim().slice(0, 40)}"`);
    }
    return failures;
  });
}
