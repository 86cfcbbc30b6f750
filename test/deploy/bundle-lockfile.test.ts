import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleFunctions, type BundledFunction } from '../../deploy/bundle-functions.js';
import { createBundleLockfile, type Lockfile } from '../../deploy/create-bundle-lockfile.js';

const run = promisify(execFile);
const rootDir = resolve(import.meta.dirname, '../..');
const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

describe('createBundleLockfile', () => {
  const root: Lockfile = {
    lockfileVersion: 3,
    packages: {
      '': { dependencies: { a: '^1' }, devDependencies: { t: '^1' } },
      'node_modules/a': { version: '1.2.0', integrity: 'sha512-a', dependencies: { b: '^2', '@s/c': '^1' } },
      // a wants b@2, which npm nested under it; the hoisted b@1 belongs to someone else.
      'node_modules/a/node_modules/b': {
        version: '2.0.1',
        integrity: 'sha512-b2',
        optionalDependencies: { gone: '*' },
      },
      'node_modules/b': { version: '1.0.0', integrity: 'sha512-b1' },
      'node_modules/@s/c': {
        version: '1.1.0',
        integrity: 'sha512-c',
        devOptional: true,
        peerDependencies: { b: '*' },
      },
      'node_modules/t': { version: '1.0.0', integrity: 'sha512-t', dev: true },
    },
  };

  it('keeps exactly what the dependencies reach, where Node would find it, without dev flags', () => {
    const lock = createBundleLockfile(root, { name: 'pkgrelay-x', dependencies: { a: '^1' } });
    expect(lock).toMatchObject({ lockfileVersion: 3, requires: true, name: 'pkgrelay-x' });
    expect(Object.keys(lock.packages)).toEqual([
      '',
      'node_modules/@s/c',
      'node_modules/a',
      'node_modules/a/node_modules/b',
      'node_modules/b',
    ]);
    expect(lock.packages['']).toEqual({ name: 'pkgrelay-x', dependencies: { a: '^1' } });
    expect(lock.packages['node_modules/@s/c']).not.toHaveProperty('devOptional');
    expect(lock.packages['node_modules/a/node_modules/b']?.version).toBe('2.0.1');
  });

  it('refuses a dependency the repository lockfile does not hold', () => {
    expect(() => createBundleLockfile(root, { name: 'x', dependencies: { zzz: '^1' } })).toThrow(
      /zzz, needed by x, is not in the repository's package-lock.json/,
    );
  });
});

describe('the lockfile of each bundle', () => {
  const folder = mkdtempSync(join(tmpdir(), 'pkgrelay-lock-'));
  const rootLock = readJson<Lockfile>(join(rootDir, 'package-lock.json'));
  let bundled: BundledFunction[] = [];
  beforeAll(async () => {
    bundled = await bundleFunctions({ rootDir, outDir: join(folder, 'bundle') });
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('pins every package at the version and place of the repository lockfile, and agrees with its package.json', () => {
    expect(bundled.length).toBeGreaterThanOrEqual(3);
    for (const fn of bundled) {
      const lock = readJson<Lockfile>(join(fn.dir, 'package-lock.json'));
      const manifest = readJson<{ name: string; dependencies: Record<string, string> }>(
        join(fn.dir, 'package.json'),
      );
      expect(lock.packages['']?.dependencies).toEqual(manifest.dependencies);
      for (const [location, entry] of Object.entries(lock.packages)) {
        if (!location) continue;
        expect(entry.version, `${fn.target}: ${location}`).toBe(rootLock.packages[location]?.version);
        expect(entry.integrity, `${fn.target}: ${location}`).toBe(rootLock.packages[location]?.integrity);
      }
      for (const name of Object.keys(manifest.dependencies))
        expect(lock.packages[`node_modules/${name}`], `${fn.target}: ${name}`).toBeDefined();
    }
  });

  it('is what npm ci installs, the very versions of the repository lockfile, with nothing missing', async () => {
    const worker = bundled.find((fn) => fn.target === 'worker');
    expect(worker).toBeDefined();
    const dir = join(folder, 'installed');
    cpSync(worker!.dir, dir, { recursive: true });
    // As Cloud Functions' build does when a lockfile is present; from npm's cache where it can.
    await run('npm', ['ci', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund'], {
      cwd: dir,
      env: { ...process.env, npm_config_loglevel: 'error' },
    });
    const lock = readJson<Lockfile>(join(dir, 'package-lock.json'));
    let compared = 0;
    for (const location of Object.keys(lock.packages)) {
      if (!location || !existsSync(join(dir, location))) continue;
      const installed = readJson<{ version: string }>(join(dir, location, 'package.json'));
      expect(installed.version, location).toBe(rootLock.packages[location]?.version);
      compared++;
    }
    // Optional packages of other platforms are the only ones npm may leave out.
    const required = Object.entries(lock.packages).filter(([location, entry]) => location && !entry.optional);
    expect(compared).toBeGreaterThanOrEqual(required.length);
    // npm's own check of the installed tree against every package.json: nothing missing, nothing invalid.
    await run('npm', ['ls', '--all', '--omit=dev'], { cwd: dir });
  }, 240_000);
});
