import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FUNCTION_DEPLOYMENTS } from '../../deploy/function-deployments.js';
import { FUNCTION_SPECS } from '../../local/stack/function-specs.js';
import { readPorts } from '../../local/stack/read-ports.js';
import { FUNCTIONS, FunctionTarget, signatureTypeOf } from '../../functions/function-list.js';

const rootDir = resolve(import.meta.dirname, '../..');
const REPOSITORIES = join(mkdtempSync(join(tmpdir(), 'pkgrelay-function-list-')), 'repositories.json');
writeFileSync(REPOSITORIES, JSON.stringify({ repositories: [] }));

describe('the one list of functions', () => {
  it('gives every function a fixed port in firebase.json, and firebase.json no other function', () => {
    const ports = readPorts(join(rootDir, 'firebase.json')).functions;
    expect(Object.keys(ports).sort()).toEqual([...FunctionTarget].sort());
    const used = Object.values(ports);
    expect(used.every((port) => port > 0)).toBe(true);
    expect(new Set(used).size).toBe(used.length);
  });

  it("registers each function in its folder's index.ts under its target, with its trigger's signature type", () => {
    for (const fn of FUNCTIONS) {
      const source = readFileSync(join(rootDir, 'functions', fn.folder, 'index.ts'), 'utf8');
      const register = signatureTypeOf(fn.trigger) === 'http' ? 'http' : 'cloudEvent';
      expect(source, fn.folder).toMatch(new RegExp(`^${register}\\('${fn.target}',`, 'm'));
    }
  });

  it('is what deploy and the local stack run, in the same order', () => {
    expect(FUNCTION_DEPLOYMENTS.map((fn) => fn.target)).toEqual(FunctionTarget);
    expect(Object.keys(FUNCTION_SPECS)).toEqual(FunctionTarget);
    expect(FUNCTION_DEPLOYMENTS.map((fn) => fn.name)).toEqual([
      'pkgrelay-webhook',
      'pkgrelay-worker',
      'pkgrelay-build-events',
      'pkgrelay-dead-letter',
      'pkgrelay-reconcile',
      'pkgrelay-notifier',
    ]);
    expect(FUNCTION_SPECS['notifier']).toEqual({
      target: 'notifier',
      source: 'lib/functions/notifier/index.js',
      signatureType: 'cloudevent',
    });
    expect(FUNCTION_SPECS['reconcile']?.signatureType).toBe('http');
  });

  it('is what the deploy entry lib/functions/index.js registers, every one (tsc builds it)', () => {
    // The settings every function's module reads when it loads; nothing is reached before a request.
    const env = {
      ...process.env,
      PKGRELAY_CONFIG: REPOSITORIES,
      PKGRELAY_PROJECT_ID: 'function-list',
      PKGRELAY_BUCKET: 'status',
      PKGRELAY_STAGING_BUCKET: 'staging',
      PKGRELAY_REGISTRY_URL: 'http://127.0.0.1:9/',
      METADATA_SERVER_DETECTION: 'none',
    };
    const probe = [
      "const { getTestServer } = await import('@google-cloud/functions-framework/testing');",
      `await import(${JSON.stringify(pathToFileURL(join(rootDir, 'lib/functions/index.js')).href)});`,
      'const registered = (t) => { try { getTestServer(t); return true; } catch { return false; } };',
      `console.log(JSON.stringify(${JSON.stringify([...FunctionTarget, 'unlisted'])}.filter(registered)));`,
      'process.exit(0);',
    ].join('\n');
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', probe], {
      cwd: rootDir,
      env,
      encoding: 'utf8',
    });
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '[]')).toEqual(FunctionTarget);
  });
});
