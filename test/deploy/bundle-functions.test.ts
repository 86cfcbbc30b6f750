import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { PubSub, type Message } from '@google-cloud/pubsub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleFunctions, type BundledFunction } from '../../deploy/bundle-functions.js';
import { FUNCTION_DEPLOYMENTS } from '../../deploy/function-deployments.js';
import { findFreePort } from '../../local/net/find-free-port.js';
import { waitUntil } from '../../local/net/wait-until.js';
import { releasePayload, sendDelivery } from '../../local/github/send-delivery.js';
import { startPubSubEmulator, type PubSubEmulator } from '../../local/pubsub/start-pubsub-emulator.js';

const rootDir = resolve(import.meta.dirname, '../..');
const frameworkMain = join(
  dirname(createRequire(import.meta.url).resolve('@google-cloud/functions-framework')),
  'main.js',
);
const CLOUD_CLIENT = /^(@google-cloud\/(?!functions-framework)|google-auth-library|google-gax|@grpc\/)/;

describe('the function bundles', () => {
  const folder = mkdtempSync(join(tmpdir(), 'pkgrelay-bundle-'));
  let bundled: BundledFunction[] = [];

  let emulator: PubSubEmulator | undefined;

  beforeAll(async () => {
    // Beside the bundles, only the framework is installed: all the webhook's package.json asks for.
    mkdirSync(join(folder, 'node_modules', '@google-cloud'), { recursive: true });
    symlinkSync(
      join(rootDir, 'node_modules', '@google-cloud', 'functions-framework'),
      join(folder, 'node_modules', '@google-cloud', 'functions-framework'),
    );
    [bundled, emulator] = await Promise.all([
      bundleFunctions({ rootDir, outDir: join(folder, 'bundle') }),
      startPubSubEmulator(),
    ]);
  });
  afterAll(async () => {
    await emulator?.stop();
    rmSync(folder, { recursive: true, force: true });
  });

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
    // The webhook's handler and Pub/Sub client are precompiled files of the bundle, not packages to install.
    expect(byTarget.webhook?.dependencies).toEqual({
      '@google-cloud/functions-framework': expect.any(String),
    });
    expect(byTarget.webhook?.precompiled).toEqual(['google-cloud-pubsub.cjs', 'webhook-handler.cjs']);
  });

  it('ships each precompiled file with a V8 code cache, rebuilt by gcp-build on the runtime', () => {
    const webhook = bundled.find((fn) => fn.target === 'webhook')!;
    const manifest = JSON.parse(readFileSync(join(webhook.dir, 'package.json'), 'utf8')) as {
      scripts?: Record<string, string>;
    };
    expect(manifest.scripts?.['gcp-build']).toBe('node precompile.js');
    for (const file of webhook.precompiled) {
      const cache = readFileSync(join(webhook.dir, 'precompiled', `${file}.v8cache`));
      expect(cache.length, file).toBeGreaterThan(100_000);
    }
  });

  it('starts the webhook under functions-framework: 401 for a forged delivery, 202 once published', async () => {
    const webhook = bundled.find((fn) => fn.target === 'webhook');
    expect(webhook).toBeDefined();
    writeFileSync(
      join(folder, 'repositories.json'),
      JSON.stringify({ repositories: [{ repository: 'acme/widgets' }] }),
    );
    const pubsub = new PubSub({ projectId: 'bundle-test', apiEndpoint: emulator!.host, emulatorMode: true });
    const [topic] = await pubsub.createTopic('pkgrelay-releases');
    const [subscription] = await topic.createSubscription('bundle-test');
    const received = new Promise<Message>((resolve) =>
      subscription.once('message', (message: Message) => {
        message.ack();
        resolve(message);
      }),
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
          PUBSUB_EMULATOR_HOST: emulator!.host,
          METADATA_SERVER_DETECTION: 'none',
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    try {
      const url = `http://127.0.0.1:${port}/`;
      await waitUntil(
        `the bundled webhook on ${url}`,
        async () => {
          await fetch(url, { method: 'OPTIONS' });
          return true;
        },
        {
          failIf: () =>
            child.exitCode !== null ? new Error(`the bundled webhook exited: ${stderr}`) : undefined,
        },
      );
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
      const published = await sendDelivery({
        url,
        secret: 'the-real-secret',
        event: 'release',
        payload: releasePayload('acme/widgets', 'v1.2.0'),
      });
      expect(published.status, stderr).toBe(202);
      const message = await received;
      expect(JSON.parse(message.data.toString('utf8'))).toMatchObject({
        repository: 'acme/widgets',
        tag: 'v1.2.0',
      });
    } finally {
      await subscription.close().catch(() => {});
      await pubsub.close().catch(() => {});
      child.kill('SIGTERM');
      await new Promise((done) => (child.exitCode !== null ? done(undefined) : child.once('exit', done)));
    }
  });
});
