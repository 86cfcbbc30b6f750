import { describe, expect, it } from 'vitest';
import { findRepository } from '../../../shared/config/find-repository.js';
import { loadConfig } from '../../../shared/config/load-config.js';
import { parsePollInterval } from '../../../shared/config/repository-config.js';
import { ConfigError } from '../../../shared/errors.js';

const PATH = '/etc/pkgrelay/repositories.json';
const env = {
  PKGRELAY_CONFIG: PATH,
  PKGRELAY_PROJECT_ID: 'demo-project',
  PKGRELAY_WEBHOOK_SECRETS: 'new, old ,',
};
const files = (text: string) => (path: string) => {
  if (path !== PATH) throw new Error(`ENOENT: no such file ${path}`);
  return text;
};

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('reads the environment and the repositories file, with defaults', () => {
    const config = loadConfig(
      env,
      files('{"repositories":[{"repository":"Acme/Widgets","prereleases":true}]}'),
    );
    expect(config).toMatchObject({
      projectId: 'demo-project',
      configPath: PATH,
      webhookSecrets: ['new', 'old'],
      releasesTopic: 'pkgrelay-releases',
      upstreamBase: 'https://github.com',
    });
    const served = config.catalog.kind === 'file' ? config.catalog.repositories : [];
    expect(served).toEqual([
      expect.objectContaining({
        repository: 'Acme/Widgets',
        prereleases: true,
        subdirectory: '',
        versionPolicy: 'must-match',
      }),
    ]);
    expect(findRepository(served, 'acme/WIDGETS')?.repository).toBe('Acme/Widgets');
    expect(findRepository(served, 'acme/other')).toBeUndefined();
  });

  it('reads the builder image, with {python} left for each job to fill, and refuses what is no image name', () => {
    const image = 'europe-west1-docker.pkg.dev/p/pkgrelay-images/builder:py{python}-abc123def456';
    const read = (value: string | undefined) =>
      loadConfig({ ...env, PKGRELAY_BUILDER_IMAGE: value }, files('{"repositories":[]}')).builderImage;
    expect(read(image)).toBe(image);
    expect(read(undefined)).toBeUndefined();
    expect(() => read('python:3.12; rm -rf /')).toThrow(/PKGRELAY_BUILDER_IMAGE/);
  });

  it('names PKGRELAY_CONFIG when it is missing', () => {
    const error = configError(() => loadConfig({ PKGRELAY_PROJECT_ID: 'p' }, files('{}')));
    expect(error.source).toBe('the environment');
    expect(error.message).toMatch(/PKGRELAY_CONFIG: /);
  });

  it('names the file when it cannot be read or is not JSON', () => {
    expect(
      configError(() => loadConfig({ ...env, PKGRELAY_CONFIG: '/nope.json' }, files('{}'))).message,
    ).toMatch(/Invalid configuration in \/nope\.json:[\s\S]*cannot be read[\s\S]*PKGRELAY_CONFIG/);
    expect(configError(() => loadConfig(env, files('{nope'))).message).toMatch(
      /in \/etc\/pkgrelay\/repositories\.json:[\s\S]*not valid JSON/,
    );
  });

  it.each([
    [
      '{"repositories":[{"repository":"Acme/Widgets","pythonVersion":"python3"}]}',
      /repositories\[0\] \(Acme\/Widgets\)\.pythonVersion: must look like "3\.12"/,
    ],
    [
      '{"repositories":[{"repository":"Acme/Widgets","pythonVersion":"3.10"}]}',
      /repositories\[0\] \(Acme\/Widgets\)\.pythonVersion: must be 3\.11 or newer: the build steps need tomllib/,
    ],
    [
      '{"repositories":[{"repository":"a/b"},{"repository":"c/d","tagPattern":"(("}]}',
      /repositories\[1\] \(c\/d\)\.tagPattern: is not a valid regular expression/,
    ],
    [
      '{"repositories":[{"repository":"a/b","private":true}]}',
      /repositories\[0\] \(a\/b\)\.tokenSecret: a private repository needs "tokenSecret"/,
    ],
    [
      '{"repositories":[{"repository":"not a repo"}]}',
      /repositories\[0\] \(not a repo\)\.repository: must be "owner\/name"/,
    ],
    ['{"repositories":[{"repository":"a/b","tagprefix":"v"}]}', /repositories\[0\] \(a\/b\): .*tagprefix/],
    ['{"repos":[]}', /repositories: /],
    [
      '{"repositories":[{"repository":"a/b","pollInterval":"5s"}]}',
      /repositories\[0\] \(a\/b\)\.pollInterval: must be a duration like "30s", "5m" or "2h", from 10s to 24h/,
    ],
    ['{"repositories":[{"repository":"a/b","pollInterval":"25h"}]}', /pollInterval: must be a duration/],
    ['{"repositories":[{"repository":"a/b","pollInterval":"5 min"}]}', /pollInterval: must be a duration/],
    ['{"repositories":[{"repository":"a/b","existingTags":{"latest":0}}]}', /existingTags/],
    ['{"repositories":[{"repository":"a/b","existingTags":"some"}]}', /existingTags/],
    [
      '{"repositories":[{"repository":"a/b","packages":[{"tagPrefix":"x-","pollInterval":"1m"}]}]}',
      /pollInterval: is a repository setting/,
    ],
  ])('names the file, the field and the repository: %s', (text, message) => {
    const error = configError(() => loadConfig(env, files(text)));
    expect(error.source).toBe(PATH);
    expect(error.message).toContain(PATH);
    expect(error.issues.join('\n')).toMatch(message);
  });

  it('reads a poll interval and what to do with existing tags', () => {
    const text =
      '{"repositories":[{"repository":"v/sdk","pollInterval":"90s","existingTags":{"latest":3}},{"repository":"v/b","existingTags":"none"}]}';
    const { catalog } = loadConfig(env, files(text));
    expect(catalog.kind === 'file' ? catalog.repositories : []).toMatchObject([
      { pollInterval: '90s', existingTags: { latest: 3 } },
      { existingTags: 'none' },
    ]);
    expect(parsePollInterval('90s')).toBe(90);
    expect(parsePollInterval('2h')).toBe(7200);
    expect(parsePollInterval('1d')).toBeUndefined();
  });

  it('refuses a repository listed twice, in any case', () => {
    const text = '{"repositories":[{"repository":"Acme/Widgets"},{"repository":"acme/widgets"}]}';
    expect(configError(() => loadConfig(env, files(text))).issues).toEqual([
      'repositories: "acme/widgets" is listed twice; keep one entry',
    ]);
  });

  it('names a missing project id', () => {
    expect(
      configError(() => loadConfig({ PKGRELAY_CONFIG: PATH }, files('{"repositories":[]}'))).message,
    ).toMatch(/PKGRELAY_PROJECT_ID/);
  });
});
