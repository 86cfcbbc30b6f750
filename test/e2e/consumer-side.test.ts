import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { findPackageRoot } from '../../local/stack/find-package-root.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Bucket } from '@google-cloud/storage';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followJob } from '../../cli/follow-job.js';
import { createUpstreamRepository } from '../../local/demo/create-upstream-repository.js';
import { sampleSetuptoolsProject } from '../../local/demo/sample-project.js';
import { runPython, SYSTEM_PYTHON } from '../../local/python/install-from-index.js';
import { startStack, type Stack } from '../../local/stack/start-stack.js';
import type { JobStatus } from '../../shared/status/job-status.js';
import { runCli } from '../cli/run-cli.js';
// @ts-expect-error: the status page is plain browser JavaScript without type declarations
import { cloudBuildStep } from '../../status-page/install-snippets.js';
import { openStackBucket } from './stack-clients.js';

const run = promisify(execFile);
const BUILD_TIMEOUT_MS = 240_000;
const TEST_TIMEOUT_MS = 300_000;
const pipEnv = { ...process.env, PIP_CONFIG_FILE: '/dev/null' };
const ID = { repository: 'Octo-Org/Widgets', tag: 'v0.3.0' };

// What a consumer of a published package does: check where a file came from, install it as the status page says.
describe('the consumer side of a published package, on the local stack', () => {
  let root: string;
  let stack: Stack;
  let bucket: Bucket;
  let job: JobStatus;
  let commit: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'pkgrelay-consumer-'));
    const configPath = join(root, 'repositories.json');
    await writeFile(configPath, JSON.stringify({ repositories: [{ repository: ID.repository }] }));
    const upstream = await createUpstreamRepository(join(root, 'upstreams'), ID.repository, [
      {
        files: sampleSetuptoolsProject('octo-widgets', 'octo_widgets', '0.3.0'),
        tag: ID.tag,
        annotated: true,
      },
    ]);
    commit = (await run('git', ['-C', upstream, 'rev-parse', `${ID.tag}^{commit}`])).stdout.trim();
    stack = await startStack({ rootDir: root, configPath, functions: ['webhook', 'worker', 'buildEvents'] });
    bucket = await openStackBucket(stack.info);
    // As a person would: `pkgrelay trigger`, which records who asked.
    const triggered = await runCli(['trigger', ID.repository, ID.tag, '--stack', root], {
      env: { PKGRELAY_ACTOR: 'alice@example.test' },
      timeoutMs: BUILD_TIMEOUT_MS,
    });
    expect(triggered.code, triggered.stderr).toBe(0);
    job = await followJob(bucket, ID, { timeoutMs: BUILD_TIMEOUT_MS });
    expect(job.source).toEqual({ kind: 'manual', event: 'trigger', actor: 'alice@example.test' });
  }, TEST_TIMEOUT_MS);
  afterAll(async () => stack?.stop());

  it(
    'pkgrelay verify names the repository, tag and commit of a file from pip download and from pip’s cache',
    async () => {
      expect(job.state, JSON.stringify(job.error)).toBe('published');
      const downloads = join(root, 'downloads');
      const cache = join(root, 'pip-cache');
      // pip 23.3 and later keep a cached file's bytes as they came (http-v2/…/*.body); Debian's 23.0 does not.
      const venv = join(root, 'pip-venv');
      await run(SYSTEM_PYTHON, ['-m', 'venv', venv]);
      const pip = join(venv, 'bin', 'python');
      await run(pip, ['-m', 'pip', 'install', '-q', '--disable-pip-version-check', 'pip>=24'], {
        env: pipEnv,
      });
      await run(
        pip,
        [
          '-m',
          'pip',
          'download',
          '--disable-pip-version-check',
          '--no-deps',
          '--cache-dir',
          cache,
          '--index-url',
          stack.info.index.url,
          // pip caches plain-http responses only from trusted hosts (Artifact Registry is https).
          '--trusted-host',
          new URL(stack.info.index.url).host,
          '-d',
          downloads,
          'octo-widgets==0.3.0',
        ],
        { env: pipEnv },
      );
      const [wheel] = await readdir(downloads);
      expect(wheel).toBe('octo_widgets-0.3.0-py3-none-any.whl');
      const verify = (file: string, ...args: string[]) => runCli(['verify', file, '--stack', root, ...args]);

      const fromIndex = await verify(join(downloads, wheel ?? ''));
      expect(fromIndex.code, fromIndex.stderr).toBe(0);
      expect(fromIndex.stdout).toContain('was built by pkgrelay');
      expect(fromIndex.stdout).toMatch(/repository\s+Octo-Org\/Widgets/);
      expect(fromIndex.stdout).toMatch(/tag\s+v0\.3\.0/);
      // The commit the annotated tag points to, as git itself peels it.
      expect(fromIndex.stdout).toMatch(new RegExp(`commit\\s+${commit}`));
      // Where it came from is the build phase's to say: the publish phase never sees the upstream URL.
      expect(fromIndex.stdout).toMatch(
        /source\s+git\+http:\/\/127\.0\.0\.1:\d+\/Octo-Org\/Widgets\.git@refs\/tags\/v0\.3\.0\n/i,
      );

      // pip's HTTP cache keeps the body under a hash, with no file name: found by its sha256 alone.
      const bodies = await findFiles(join(cache, 'http-v2'), (name) => name.endsWith('.body'));
      const wheelSha = job.artifacts.find((artifact) => artifact.kind === 'wheel')?.sha256;
      const cached = [];
      for (const body of bodies) if ((await sha256File(body)) === wheelSha) cached.push(body);
      expect(cached.length).toBe(1);
      const fromCache = await verify(cached[0] ?? '', '--json');
      expect(fromCache.code, fromCache.stderr).toBe(0);
      expect(JSON.parse(fromCache.stdout)).toMatchObject({
        kind: 'built',
        record: { repository: 'Octo-Org/Widgets', tag: 'v0.3.0' },
        statement: {
          predicate: {
            buildDefinition: {
              externalParameters: { source: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\//) },
              internalParameters: { buildPhase: job.build?.id },
              resolvedDependencies: [{ digest: { gitCommit: commit } }],
            },
            runDetails: { metadata: { invocationId: job.publishBuild?.id } },
          },
        },
      });

      // A file named like pkgrelay's wheel with other bytes, and a file pkgrelay never saw.
      const lookalike = join(root, wheel ?? '');
      await writeFile(
        lookalike,
        Buffer.concat([await readFile(join(downloads, wheel ?? '')), Buffer.from('\n')]),
      );
      const modified = await verify(lookalike);
      expect(modified.code).toBe(4);
      expect(modified.stdout).toContain('was not built by pkgrelay');
      expect(modified.stdout).toContain(`pkgrelay built from Octo-Org/Widgets v0.3.0 has ${wheelSha}`);
      const other = join(root, 'requests-2.0.0-py3-none-any.whl');
      await writeFile(other, 'not a wheel pkgrelay built');
      const unknown = await verify(other);
      expect(unknown.code).toBe(4);
      expect(unknown.stdout).toMatch(
        /requests-2\.0\.0-py3-none-any\.whl was not built by pkgrelay: no file it published has sha256 [0-9a-f]{64}/,
      );
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'the status page shows the commit and an install command whose copy button gives text that installs it',
    async () => {
      const browser = await chromium.launch({
        executablePath: '/usr/bin/chromium',
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--no-first-run',
          '--disable-background-networking',
        ],
      });
      const copied: Record<string, string> = {};
      try {
        const context = await browser.newContext();
        const origin = new URL(stack.info.statusPage.url).origin;
        await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
        const page = await context.newPage();
        await page.goto(stack.info.statusPage.url);
        const row = page.locator('tr[data-key="v0.3.0"]');
        await row.locator('.provenance').waitFor();
        expect(await row.locator('.provenance code.commit').getAttribute('title')).toBe(commit);
        expect(await row.locator('.provenance').textContent()).toMatch(/the build took \d/);
        expect(await row.locator('.started-by').textContent()).toBe(
          'started by manual trigger (alice@example.test)',
        );
        await row.getByText('How to install').click();
        for (const id of ['pip', 'requirements', 'pip-conf', 'cloud-build']) {
          const snippet = row.locator(`[data-snippet="${id}"]`);
          await snippet.getByRole('button', { name: /Copy/ }).click();
          await snippet.getByText('Copied').waitFor();
          copied[id] = String(await page.evaluate('navigator.clipboard.readText()'));
          expect(copied[id]).toBe(await snippet.locator('pre code').textContent());
        }
        await mkdir(join(findPackageRoot(), 'test-artifacts'), { recursive: true });
        await row.screenshot({ path: join(findPackageRoot(), 'test-artifacts', 'status-page-install.png') });
      } finally {
        await browser.close();
      }
      const index = stack.info.index.url;
      expect(copied['pip']).toBe(
        `pip install --index-url ${index} --extra-index-url https://pypi.org/simple/ octo-widgets==0.3.0`,
      );
      expect(copied['requirements']).toContain('\nocto-widgets==0.3.0');
      expect(copied['pip-conf']).toContain(`index-url = ${index}`);

      // The copied command, run as a person would paste it into a shell with a fresh venv active.
      const venv = join(root, 'page-venv');
      await run(SYSTEM_PYTHON, ['-m', 'venv', venv]);
      const pasted = await run('bash', ['-c', `command -v pip; ${copied['pip'] ?? 'false'}`], {
        env: { ...pipEnv, PATH: `${join(venv, 'bin')}:${process.env['PATH'] ?? ''}`, VIRTUAL_ENV: venv },
      });
      const python = join(venv, 'bin', 'python');
      // Which pip ran and what it said, should the import fail.
      const said = `${pasted.stdout}\n${pasted.stderr}`;
      expect(pasted.stdout.split('\n')[0], said).toBe(join(venv, 'bin', 'pip'));
      const imported = await runPython(python, 'import octo_widgets; print(octo_widgets.hello())').catch(
        (error: unknown) => `${(error as Error).message}\npip said:\n${said}`,
      );
      expect(imported).toBe('hello from octo-widgets 0.3.0');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'the README’s Cloud Build step, submitted with gcloud to the Cloud Build stand-in, installs and imports the package',
    async () => {
      const readme = await readFile(join(findPackageRoot(), 'README.md'), 'utf8');
      const section = readme.slice(readme.indexOf('Inside your own Cloud Build steps'));
      const step = /```yaml\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
      const readmeIndex = 'https://europe-west1-python.pkg.dev/$PROJECT_ID/pkgrelay/simple/';
      // The status page's step is the README's, but for the version it shows and its check line.
      const pageStep = (cloudBuildStep as (i: string, r: string, n: string) => string)(
        readmeIndex,
        'widgets==1.2.3',
        'widgets',
      );
      const withoutCheck = (text: string) => text.split('\n').filter((line) => !line.includes('python -c'));
      expect(withoutCheck(step.trimEnd())).toEqual(withoutCheck(pageStep));

      // What a user changes: the index URL (their registry) and the requirement.
      const config = step
        .replace(readmeIndex, stack.info.index.url)
        .replace('widgets==1.2.3', 'octo-widgets==0.3.0')
        .replace(
          'import widgets; print(widgets.__version__)',
          'import octo_widgets; print(octo_widgets.hello())',
        );
      expect(config).not.toBe(step);
      const configPath = join(root, 'cloudbuild.yaml');
      await writeFile(configPath, config);
      const { stdout } = await run(
        'gcloud',
        [
          'builds',
          'submit',
          '--no-source',
          '--config',
          configPath,
          `--project=${stack.info.projectId}`,
          '--format=json',
        ],
        {
          env: {
            ...process.env,
            CLOUDSDK_API_ENDPOINT_OVERRIDES_CLOUDBUILD: `${stack.info.cloudbuild.host}/`,
            CLOUDSDK_AUTH_ACCESS_TOKEN_FILE: join(root, 'gcloud-access-token'),
            CLOUDSDK_CORE_DISABLE_PROMPTS: '1',
          },
          timeout: BUILD_TIMEOUT_MS,
        },
      );
      const build = JSON.parse(stdout) as { id: string; status: string; logUrl: string };
      const log = await (await fetch(build.logUrl)).text();
      expect(build.status, log).toBe('SUCCESS');
      expect(log).toContain('hello from octo-widgets 0.3.0');
    },
    TEST_TIMEOUT_MS,
  );
});

async function findFiles(dir: string, match: (name: string) => boolean): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && match(entry.name))
    .map((entry) => join(entry.parentPath, entry.name));
}

async function sha256File(path: string): Promise<string> {
  const { createHash } = await import('node:crypto');
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
}
