import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleFunctions, type BundledFunction } from '../../deploy/bundle-functions.js';
import { FUNCTION_DEPLOYMENTS } from '../../deploy/function-deployments.js';
import { findFreePort } from '../../local/net/find-free-port.js';
import { waitUntil } from '../../local/net/wait-until.js';
import { sendDelivery } from '../../local/github/send-delivery.js';

const rootDir = resolve(import.meta.dirname, '../..');
const frameworkMain = join(
  dirname(createRequire(import.meta.url).resolve('@google-cloud/functions-framework')),
  'main.js',
);
const CLOUD_CLIENT = /^(@google-cloud\/(?!functions-framework)|google-auth-library|google-gax|@grpc\/)/;

describe('the function bundles', () => {
  const folder = mkdtempSync(join(tmpdir(), 'pkgrelay-bundle-'));
  let bundled: BundledFunction[] = [];

  beforeAll(async () => {
    // The bundle's external packages resolve as they would after Cloud Functions installs them.
    symlinkSync(join(rootDir, 'node_modules'), join(folder, 'node_modules'));
    bundled = await bundleFunctions({ rootDir, outDir: join(folder, 'bundle') });
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('bundles every function that has a source folder, each with a production package.json', () => {
    expect(bundled.map((fn) => fn.target)).toEqual(
      expect.arrayContaining(['webhook', 'worker', 'buildEvents']),
    );
    const rootDependencies = (
      JSON.parse(readFileSync(join(rootDir, 'package.json'), 'utf8')) as {
        dependencies: Record<string, string>;
      }
    ).dependencies;
    for (const fn of bundled) {
      const manifest = JSON.parse(readFileSync(join(fn.dir, 'package.json'), 'utf8')) as Record<
        string,
        unknown
      >;
      expect(manifest).toMatchObject({ type: 'module', main: 'index.js', dependencies: fn.dependencies });
      expect(fn.dependencies['@google-cloud/functions-framework']).toBe(
        rootDependencies['@google-cloud/functions-framework'],
      );
      for (const [name, version] of Object.entries(fn.dependencies))
        expect(rootDependencies[name]).toBe(version);
      expect(fn.dir).toBe(
        join(folder, 'bundle', FUNCTION_DEPLOYMENTS.find((d) => d.target === fn.target)!.folder),
      );
    }
  });

  it('loads no cloud client at start: they stay dynamic imports', () => {
    for (const fn of bundled) {
      expect(
        fn.staticImports.filter((path) => CLOUD_CLIENT.test(path)),
        fn.target,
      ).toEqual([]);
    }
    const byTarget = Object.fromEntries(bundled.map((fn) => [fn.target, fn]));
    expect(byTarget.webhook?.dynamicImports).toEqual(['@google-cloud/pubsub']);
    expect(byTarget.worker?.dynamicImports).toEqual(
      expect.arrayContaining(['@google-cloud/storage', '@google-cloud/cloudbuild']),
    );
    expect(byTarget.webhook?.dependencies).toEqual({
      '@google-cloud/functions-framework': expect.any(String),
      '@google-cloud/pubsub': expect.any(String),
    });
  });

  it('starts the webhook under functions-framework and refuses a forged delivery with 401', async () => {
    const webhook = bundled.find((fn) => fn.target === 'webhook');
    expect(webhook).toBeDefined();
    writeFileSync(
      join(folder, 'repositories.json'),
      JSON.stringify({ repositories: [{ repository: 'acme/widgets' }] }),
    );
    const port = await findFreePort();
    const child = spawn(
      process.execPath,
      [
        frameworkMain,
        '--target=webhook',
        `--source=${webhook!.dir}`,
        '--signature-type=http',
        `--port=${port}`,
      ],
      {
        env: {
          ...process.env,
          NODE_ENV: 'production',
          PKGRELAY_CONFIG: join(folder, 'repositories.json'),
          PKGRELAY_PROJECT_ID: 'bundle-test',
          PKGRELAY_WEBHOOK_SECRETS: 'the-real-secret',
          PKGRELAY_LOG_LEVEL: 'ERROR',
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    try {
      const url = `http://127.0.0.1:${port}/`;
      await waitUntil(`the bundled webhook on ${url}`, async () => {
        if (child.exitCode !== null) throw new Error(`the bundled webhook exited: ${stderr}`);
        await fetch(url, { method: 'OPTIONS' });
        return true;
      });
      const release = {
        action: 'published',
        release: { tag_name: 'v1.0.0', draft: false, prerelease: false },
        repository: { full_name: 'acme/widgets' },
      };
      const forged = await sendDelivery({ url, secret: 'forged', event: 'release', payload: release });
      expect(forged.status).toBe(401);
      const ping = await sendDelivery({
        url,
        secret: 'the-real-secret',
        event: 'ping',
        payload: { hook_id: 1 },
      });
      expect(ping.status).toBe(200);
    } finally {
      child.kill('SIGTERM');
      await new Promise((done) => (child.exitCode !== null ? done(undefined) : child.once('exit', done)));
    }
  });
});
