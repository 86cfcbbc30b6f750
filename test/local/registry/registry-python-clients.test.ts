import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistryServer, type RegistryServer } from '../../../local/registry/start-registry-server.js';
import { listPublishedFiles } from '../../../shared/registry/list-published-files.js';
import { buildTinyProject, type TinyProject } from './build-tiny-project.js';
import { runCommand, toolEnv } from './run-command.js';

// End to end with the real clients: Debian's twine 4.0.2 uploads, the pip of a fresh venv installs.
describe('registry stand-in with twine and pip', () => {
  let work: string;
  let project: TinyProject;
  let registry: RegistryServer;
  let venvPython: string;

  const twine = (repositoryUrl: string, ...extra: string[]) =>
    runCommand(
      '/usr/bin/twine',
      [
        'upload',
        '--non-interactive',
        '--disable-progress-bar',
        '--repository-url',
        repositoryUrl,
        ...extra,
      ].concat(project.files.map((file) => file.path)),
      { env: toolEnv(work) },
    );
  const pipInstall = (indexUrl: string) =>
    runCommand(
      venvPython,
      [
        '-m',
        'pip',
        'install',
        '--no-cache-dir',
        '--disable-pip-version-check',
        '--no-input',
        '--force-reinstall',
      ].concat(['--index-url', indexUrl, 'tiny-relay-pkg==0.1.0']),
      { env: toolEnv(work) },
    );

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'pkgrelay-registry-e2e-'));
    const [built, venv] = await Promise.all([
      // A non-normalized name, so the upload, the simple pages and pip all exercise PEP 503 normalization.
      buildTinyProject(join(work, 'project'), {
        name: 'Tiny_Relay.Pkg',
        version: '0.1.0',
        module: 'tiny_relay_pkg',
        requiresPython: '>=3.8',
      }),
      runCommand('/usr/bin/python3', ['-m', 'venv', join(work, 'venv')], { env: toolEnv(work) }),
    ]);
    expect(venv.output, 'venv creation').toSatisfy(() => venv.code === 0);
    project = built;
    venvPython = join(work, 'venv', 'bin', 'python');
    registry = await startRegistryServer({ dataDir: join(work, 'data') });
  });

  afterAll(async () => {
    await registry?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('builds one sdist and one wheel to upload', () => {
    expect(project.files.map((file) => file.filename)).toEqual([
      expect.stringMatching(
        /^Tiny_Relay\.Pkg-0\.1\.0-py3-none-any\.whl$|^Tiny_Relay_Pkg-0\.1\.0-py3-none-any\.whl$/,
      ),
      expect.stringMatching(/\.tar\.gz$/),
    ]);
  });

  it('takes a twine upload, refuses it again with "already exists", and lets --skip-existing pass', async () => {
    const url = registry.repositoryUrl('demo-project', 'python-releases');
    const first = await twine(url, '-u', 'x', '-p', 'y');
    expect(first.code, first.output).toBe(0);

    const again = await twine(url, '-u', 'x', '-p', 'y', '--verbose');
    expect(again.code).not.toBe(0);
    expect(again.output).toContain('400 Bad Request');
    expect(again.output).toContain('Requested entity already exists.');

    const skipping = await twine(url, '-u', 'x', '-p', 'y', '--skip-existing');
    expect(skipping.code, skipping.output).toBe(0);
    for (const file of project.files) {
      expect(skipping.output).toContain(`Skipping ${file.filename} because it appears to already exist`);
    }
  });

  it('serves the files on PEP 503 HTML and PEP 691 JSON pages with their sha256', async () => {
    const url = registry.repositoryUrl('demo-project', 'python-releases');
    const html = await (await fetch(`${url}simple/tiny-relay-pkg/`)).text();
    const json = (await (
      await fetch(`${url}simple/tiny-relay-pkg/`, {
        headers: { Accept: 'application/vnd.pypi.simple.v1+json' },
      })
    ).json()) as { files: { filename: string; hashes: { sha256: string }; 'requires-python': string }[] };
    for (const file of project.files) {
      expect(html).toContain(`#sha256=${file.sha256}" data-requires-python="&gt;=3.8">${file.filename}</a>`);
      expect(json.files).toContainEqual(
        expect.objectContaining({
          filename: file.filename,
          hashes: { sha256: file.sha256 },
          'requires-python': '>=3.8',
        }),
      );
    }
    expect(
      (await listPublishedFiles(url, 'Tiny_Relay.Pkg', '0.1.0')).sort(),
      'listPublishedFiles sees what twine uploaded',
    ).toEqual(project.files.map((file) => file.filename).sort());
  });

  it('lets pip install the uploaded version into a fresh venv', async () => {
    const url = registry.repositoryUrl('demo-project', 'python-releases');
    const installed = await pipInstall(`${url}simple/`);
    expect(installed.code, installed.output).toBe(0);
    expect(installed.output).toContain('Successfully installed tiny-relay-pkg-0.1.0');
    const imported = await runCommand(
      venvPython,
      ['-c', 'import tiny_relay_pkg; print(tiny_relay_pkg.VALUE)'],
      {
        env: toolEnv(work),
      },
    );
    expect(imported.stdout.trim()).toBe('42');
  });

  it('holds twine and pip to HTTP Basic credentials when they are set', async () => {
    const guarded = await startRegistryServer({
      dataDir: join(work, 'guarded-data'),
      credentials: { username: 'relay', password: 's3cret:with colon' },
    });
    try {
      const url = guarded.repositoryUrl('demo-project', 'private');
      const refused = await twine(url, '-u', 'relay', '-p', 'wrong', '--verbose');
      expect(refused.code).not.toBe(0);
      expect(refused.output).toContain('401');

      const accepted = await twine(url, '-u', 'relay', '-p', 's3cret:with colon');
      expect(accepted.code, accepted.output).toBe(0);

      const withoutCredentials = await pipInstall(`${url}simple/`);
      expect(withoutCredentials.code).not.toBe(0);
      // pip treats a 401 on an index page as an empty page (it says so only with -v).
      expect(withoutCredentials.output).toContain('(from versions: none)');
      const withCredentials = await pipInstall(
        `${url.replace('http://', `http://relay:${encodeURIComponent('s3cret:with colon')}@`)}simple/`,
      );
      expect(withCredentials.code, withCredentials.output).toBe(0);
    } finally {
      await guarded.close();
    }
  });
});
