import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as forward, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PubSub } from '@google-cloud/pubsub';
import { Storage } from '@google-cloud/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleFunctions, type BundledFunction } from '../../deploy/bundle-functions.js';
import { FUNCTION_DEPLOYMENTS } from '../../deploy/function-deployments.js';
import { signatureTypeOf } from '../../functions/function-list.js';
import { findFreePort } from '../../local/net/find-free-port.js';
import { waitUntil } from '../../local/net/wait-until.js';
import { startPubSubEmulator, type PubSubEmulator } from '../../local/pubsub/start-pubsub-emulator.js';
import { startStorageServer, type StorageServer } from '../../local/storage/start-storage-server.js';

const rootDir = resolve(import.meta.dirname, '../..');
const jobEvent = readFileSync(join(rootDir, 'schemas/examples/valid/job-event.failed.json'), 'utf8');
// The webhook's bundle is loaded alone in bundle-functions.test.ts; these are the other five.
const OTHERS = FUNCTION_DEPLOYMENTS.filter((fn) => fn.target !== 'webhook');

interface Seen {
  method: string;
  path: string;
}

/** An HTTP server that records each request and answers it with `reply`, or forwards it to `target`. */
async function startRecorder(
  target?: string,
  reply: (seen: Seen) => number = () => 404,
): Promise<{ url: string; seen: Seen[]; server: Server }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const entry = { method: req.method ?? '', path: req.url ?? '' };
    seen.push(entry);
    if (!target) {
      req.resume();
      res.writeHead(reply(entry), { 'content-type': 'application/json' }).end('{}');
      return;
    }
    const upstream = forward(
      `${target}${req.url}`,
      { method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    req.pipe(upstream);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
}

function run(command: string, args: string[], cwd: string): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', fail);
    child.once('exit', (code) =>
      code === 0 ? done() : fail(new Error(`${command} ${args.join(' ')} in ${cwd}: ${code}\n${stderr}`)),
    );
  });
}

const pubsubEvent = (data: string, attributes: Record<string, string> = {}) => ({
  specversion: '1.0',
  id: `event-${Math.random().toString(36).slice(2)}`,
  source: '//pubsub.googleapis.com/projects/alone/topics/t',
  type: 'google.cloud.pubsub.topic.v1.messagePublished',
  datacontenttype: 'application/json',
  data: {
    message: {
      data: Buffer.from(data).toString('base64'),
      attributes,
      messageId: 'm-1',
      publishTime: new Date().toISOString(),
    },
    subscription: 'projects/alone/subscriptions/s',
  },
});

describe('each function bundle, installed from its own lockfile alone, under its own functions-framework', () => {
  const folder = mkdtempSync(join(tmpdir(), 'pkgrelay-bundles-alone-'));
  let bundled: BundledFunction[] = [];
  let storage: StorageServer;
  let emulator: PubSubEmulator;
  let storageSeen: Awaited<ReturnType<typeof startRecorder>>;
  let elsewhere: Awaited<ReturnType<typeof startRecorder>>;
  const env: Record<string, string> = {};

  beforeAll(async () => {
    [bundled, storage, emulator] = await Promise.all([
      bundleFunctions({ rootDir, outDir: join(folder, 'bundle'), functions: OTHERS }),
      startStorageServer({ dataDir: join(folder, 'storage') }),
      startPubSubEmulator(),
    ]);
    // As Cloud Functions' build does, npm ci from the bundle's lockfile (offline, from npm's cache); its gcp-build
    // only adds code caches, which load-precompiled.test.ts covers, and the bundles load without them.
    const started = Date.now();
    await Promise.all(
      bundled.map((fn) =>
        run('npm', ['ci', '--offline', '--no-audit', '--no-fund', '--loglevel=error'], fn.dir),
      ),
    );
    process.stdout.write(`bundles installed alone: ${bundled.length} npm ci in ${Date.now() - started} ms\n`);
    storageSeen = await startRecorder(storage.url);
    // The registry, Cloud Build and the notification endpoint: answered 404 (nothing published, no build).
    elsewhere = await startRecorder(undefined, ({ path }) => (path.startsWith('/hook') ? 200 : 404));
    await new Storage({ apiEndpoint: storage.url, projectId: 'alone' }).createBucket('status');
    // Every function publishes job events; a missing topic would have the client retry for a minute.
    const pubsub = new PubSub({ projectId: 'alone', apiEndpoint: emulator.host, emulatorMode: true });
    await Promise.all(['pkgrelay-job-events', 'pkgrelay-releases'].map((topic) => pubsub.createTopic(topic)));
    await pubsub.close();
    writeFileSync(
      join(folder, 'repositories.json'),
      JSON.stringify({
        repositories: [{ repository: 'acme/widgets' }],
        notifications: { endpoints: [{ name: 'ops', format: 'slack', url: `${elsewhere.url}/hook` }] },
      }),
    );
    Object.assign(env, {
      PATH: process.env['PATH'] ?? '',
      HOME: folder,
      NODE_ENV: 'production',
      PKGRELAY_CONFIG: join(folder, 'repositories.json'),
      PKGRELAY_NOTIFICATIONS_CONFIG: join(folder, 'repositories.json'),
      PKGRELAY_PROJECT_ID: 'alone',
      PKGRELAY_BUCKET: 'status',
      PKGRELAY_STAGING_BUCKET: 'staging',
      PKGRELAY_REGISTRY_URL: `${elsewhere.url}/registry/`,
      PKGRELAY_REGISTRY_AUTH: 'none',
      PKGRELAY_CLOUDBUILD_ENDPOINT: elsewhere.url,
      PKGRELAY_UPSTREAM_BASE: `file://${join(folder, 'upstreams')}`,
      PKGRELAY_LOG_LEVEL: 'ERROR',
      STORAGE_EMULATOR_HOST: storageSeen.url,
      PUBSUB_EMULATOR_HOST: emulator.host,
      METADATA_SERVER_DETECTION: 'none',
    });
  }, 180_000);
  afterAll(async () => {
    storageSeen?.server.close();
    elsewhere?.server.close();
    await storage?.close();
    await emulator?.stop();
    rmSync(folder, { recursive: true, force: true });
  });

  it('installs only the packages its lockfile names, and loads every package and chunk it imports from them', async () => {
    expect(bundled.map((fn) => fn.target).sort()).toEqual(OTHERS.map((fn) => fn.target).sort());
    for (const fn of bundled) {
      const installed = readdirSync(join(fn.dir, 'node_modules', '@google-cloud')).map(
        (name) => `@google-cloud/${name}`,
      );
      expect(installed.sort(), fn.target).toEqual(
        Object.keys(fn.dependencies)
          .filter((name) => name.startsWith('@google-cloud/'))
          .sort(),
      );
      // Every package it imports, at start or lazily, loads from its own install; a precompiled one ships inside it.
      const precompiled = (name: string) =>
        fn.precompiled.includes(`${name.replace(/^@/, '').replace('/', '-')}.cjs`);
      const packages = [...fn.staticImports, ...fn.dynamicImports].filter((name) => !precompiled(name));
      expect(packages.length, fn.target).toBeGreaterThan(0);
      const chunks = fn.chunks.map((path) => resolve(rootDir, path));
      writeFileSync(
        join(fn.dir, 'probe-imports.mjs'),
        `for (const m of ${JSON.stringify([...packages, ...chunks])}) await import(m);\n`,
      );
      await run(process.execPath, ['probe-imports.mjs'], fn.dir);
      if (fn.target !== 'worker') continue;
      // The probe has teeth: with one of the packages it names gone, it fails as Cloud Functions would.
      const missing = join(fn.dir, 'node_modules', '@google-cloud', 'cloudbuild');
      renameSync(missing, `${missing}.aside`);
      try {
        await expect(run(process.execPath, ['probe-imports.mjs'], fn.dir)).rejects.toThrow(
          /ERR_MODULE_NOT_FOUND/,
        );
      } finally {
        renameSync(`${missing}.aside`, missing);
      }
    }
  });

  const serve = async (fn: BundledFunction, send: (url: string) => Promise<Response>): Promise<Response> => {
    const deployment = OTHERS.find((d) => d.target === fn.target)!;
    const port = await findFreePort();
    const main = join(fn.dir, 'node_modules/@google-cloud/functions-framework/build/src/main.js');
    const child = spawn(
      process.execPath,
      [
        main,
        `--target=${fn.target}`,
        `--source=${fn.dir}`,
        `--signature-type=${signatureTypeOf(deployment.trigger)}`,
        `--port=${port}`,
      ],
      { cwd: fn.dir, env, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    try {
      const url = `http://127.0.0.1:${port}/`;
      await waitUntil(
        `the bundled ${fn.target} on ${url}`,
        async () => (await fetch(url, { method: 'OPTIONS' }), true),
        {
          failIf: () => (child.exitCode !== null ? new Error(`${fn.target} exited: ${stderr}`) : undefined),
        },
      );
      const answer = await send(url);
      expect(stderr, fn.target).not.toMatch(/ERR_MODULE_NOT_FOUND|Cannot find (package|module)/);
      return answer;
    } finally {
      child.kill('SIGTERM');
      await new Promise((done) => (child.exitCode !== null ? done(undefined) : child.once('exit', done)));
    }
  };
  const post = (body: unknown) => (url: string) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const byTarget = (target: string) => bundled.find((fn) => fn.target === target)!;
  const storagePaths = (from: number) =>
    storageSeen.seen.slice(from).map((seen) => decodeURIComponent(seen.path));

  it('worker: claims the job in Cloud Storage and asks Cloud Build for a build, through its own clients', async () => {
    const before = storageSeen.seen.length;
    const builds = elsewhere.seen.length;
    await serve(
      byTarget('worker'),
      post(pubsubEvent(JSON.stringify({ repository: 'acme/widgets', tag: 'v1.0.0' }))),
    );
    expect(storagePaths(before).some((path) => path.includes('jobs/acme/widgets/v1.0.0.json'))).toBe(true);
    expect(elsewhere.seen.slice(builds)).toContainEqual(
      expect.objectContaining({
        method: 'POST',
        path: expect.stringMatching(/^\/v1\/projects\/alone\/.*builds/),
      }),
    );
  });

  it('buildEvents: looks up the job of a pkgrelay build in Cloud Storage and answers 2xx', async () => {
    const before = storageSeen.seen.length;
    const build = {
      id: 'b-1',
      status: 'WORKING',
      substitutions: {
        _PKGRELAY_REPOSITORY: 'acme/gadgets',
        _PKGRELAY_TAG: 'v2.0.0',
        _PKGRELAY_ATTEMPT: '1',
        _PKGRELAY_PHASE: 'build',
      },
    };
    const answer = await serve(
      byTarget('buildEvents'),
      post(pubsubEvent(JSON.stringify(build), { buildId: 'b-1', status: 'WORKING' })),
    );
    expect(answer.status).toBeLessThan(300);
    expect(storagePaths(before).some((path) => path.includes('jobs/acme/gadgets/v2.0.0.json'))).toBe(true);
  });

  it('deadLetter: records the dead letter in Cloud Storage and answers 2xx', async () => {
    const answer = await serve(
      byTarget('deadLetter'),
      post(pubsubEvent(JSON.stringify({ repository: 'acme/widgets', tag: 'v9.9.9' }))),
    );
    expect(answer.status).toBeLessThan(300);
    const [files] = await new Storage({ apiEndpoint: storage.url, projectId: 'alone' })
      .bucket('status')
      .getFiles({ prefix: 'dead-letters/' });
    expect(files.map((file) => file.name)).toEqual(['dead-letters/m-1.json']);
  });

  it('notifier: posts a failure to its endpoint and records the delivery in Cloud Storage', async () => {
    const before = elsewhere.seen.length;
    const answer = await serve(byTarget('notifier'), post(pubsubEvent(jobEvent)));
    expect(answer.status).toBeLessThan(300);
    expect(elsewhere.seen.slice(before)).toContainEqual({ method: 'POST', path: '/hook' });
    const [files] = await new Storage({ apiEndpoint: storage.url, projectId: 'alone' })
      .bucket('status')
      .getFiles({ prefix: 'notifications/' });
    expect(files.map((file) => file.name)).toEqual([
      `notifications/${encodeURIComponent(JSON.parse(jobEvent).id as string)}/ops.json`,
    ]);
  });

  it('reconcile: polls its repository and reads and writes Cloud Storage, answering with its report', async () => {
    const before = storageSeen.seen.length;
    const answer = await serve(byTarget('reconcile'), post({}));
    const report = (await answer.json()) as { errors?: unknown[] };
    expect(Array.isArray(report.errors)).toBe(true);
    // The upstream folder does not exist, so the poll fails and says so; the poll state is written all the same.
    expect(storagePaths(before).some((path) => path.includes('repos/acme/widgets/'))).toBe(true);
  });
});
