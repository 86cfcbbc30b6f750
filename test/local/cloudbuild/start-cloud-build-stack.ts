import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PubSub, type Message } from '@google-cloud/pubsub';
import type { CloudBuildClient } from '@google-cloud/cloudbuild';
import { protos } from '@google-cloud/cloudbuild';
import {
  startCloudBuildServer,
  type CloudBuildServer,
} from '../../../local/cloudbuild/start-cloud-build-server.js';
import type { SandboxKind } from '../../../local/cloudbuild/place-step-in-sandbox.js';
import { startPubSubEmulator, type PubSubEmulator } from '../../../local/pubsub/start-pubsub-emulator.js';
import { createCloudBuildClient } from '../../../shared/adapters/create-cloud-build-client.js';
import { isFinalBuildStatus } from '../../../shared/build/read-build-notification.js';

export interface Notification {
  attributes: Record<string, string>;
  build: Record<string, unknown>;
}

export interface CloudBuildStack {
  root: string;
  projectId: string;
  dataDir: string;
  secretsDir: string;
  server: CloudBuildServer;
  client: CloudBuildClient;
  notifications: Notification[];
  waitForNotifications(buildId: string, statuses: string[]): Promise<Notification[]>;
  waitForBuild(
    id: string,
    until?: (status: string) => boolean,
  ): Promise<protos.google.devtools.cloudbuild.v1.IBuild>;
  stop(): Promise<void>;
}

const Status = protos.google.devtools.cloudbuild.v1.Build.Status;

/** The client decodes enums as numbers or names depending on the path; tests compare names. */
export function statusName(status: unknown): string {
  return typeof status === 'number' ? (Status[status] ?? String(status)) : String(status);
}

/** The build inside a create operation's metadata, as the client decoded it. */
export function queuedBuildOf(operation: { metadata: unknown }): protos.google.devtools.cloudbuild.v1.IBuild {
  return (operation.metadata as { build: protos.google.devtools.cloudbuild.v1.IBuild }).build;
}

/** Pub/Sub emulator with `cloud-builds` and a pull subscription, the stand-in, and a real client on it. */
export async function startCloudBuildStack(
  secrets: Record<string, string> = {},
  options: {
    sandbox?: SandboxKind;
    keepWorkspaces?: boolean;
    cacheDir?: string;
    storage?: { apiEndpoint: string; projectId: string };
    secretAccess?: (serviceAccount: string) => Promise<readonly string[]>;
  } = {},
): Promise<CloudBuildStack> {
  process.env['METADATA_SERVER_DETECTION'] = 'none';
  const root = await mkdtemp(join(tmpdir(), 'pkgrelay-cloudbuild-'));
  const projectId = 'pkgrelay-test';
  const dataDir = join(root, 'data');
  const secretsDir = join(root, 'secrets');
  await mkdir(secretsDir, { recursive: true });
  for (const [name, value] of Object.entries(secrets)) await writeFile(join(secretsDir, name), value);

  let emulator: PubSubEmulator | undefined;
  let server: CloudBuildServer | undefined;
  let pubsub: PubSub | undefined;
  try {
    emulator = await startPubSubEmulator();
    pubsub = new PubSub({ projectId, apiEndpoint: emulator.host, emulatorMode: true });
    const [topic] = await pubsub.createTopic('cloud-builds');
    const [subscription] = await topic.createSubscription('cloud-builds-test');
    const notifications: Notification[] = [];
    subscription.on('message', (message: Message) => {
      notifications.push({
        attributes: { ...message.attributes },
        build: JSON.parse(message.data.toString('utf8')) as Record<string, unknown>,
      });
      message.ack();
    });
    server = await startCloudBuildServer({
      dataDir,
      secretsDir,
      projectId,
      pubsub: { projectId, apiEndpoint: emulator.host },
      concurrency: 2,
      ...options,
    });
    const client = await createCloudBuildClient({ endpoint: server.url });
    const started = { emulator, server, pubsub };
    return {
      root,
      projectId,
      dataDir,
      secretsDir,
      server,
      client,
      notifications,
      waitForNotifications: async (buildId, statuses) => {
        const deadline = Date.now() + 30_000;
        for (;;) {
          const mine = notifications.filter((n) => n.attributes['buildId'] === buildId);
          const seen = new Set(mine.map((n) => n.attributes['status']));
          if (statuses.every((status) => seen.has(status))) return mine;
          if (Date.now() > deadline) {
            throw new Error(
              `notifications for ${buildId}: saw ${[...seen].join(', ')}, wanted ${statuses.join(', ')}`,
            );
          }
          await sleep(100);
        }
      },
      waitForBuild: async (id, until = isFinalBuildStatus) => {
        const deadline = Date.now() + 90_000;
        for (;;) {
          const [build] = await client.getBuild({ projectId, id });
          if (until(statusName(build.status))) return build;
          if (Date.now() > deadline) throw new Error(`build ${id} stayed ${statusName(build.status)}`);
          await sleep(100);
        }
      },
      stop: async () => {
        await client.close();
        await subscription.close();
        await started.server.close();
        await started.pubsub.close();
        await started.emulator.stop();
        await rm(root, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await server?.close();
    await pubsub?.close();
    await emulator?.stop();
    throw error;
  }
}

/** A git repository with a tiny setuptools project tagged v0.1.0, for `git clone` (from a git HTTP server). */
export async function createUpstreamRepository(dir: string, name: string): Promise<void> {
  await mkdir(join(dir, 'src', name.replaceAll('-', '_')), { recursive: true });
  await writeFile(
    join(dir, 'pyproject.toml'),
    [
      '[build-system]',
      'requires = ["setuptools>=61"]',
      'build-backend = "setuptools.build_meta"',
      '',
      '[project]',
      `name = "${name}"`,
      'version = "0.1.0"',
      'description = "pkgrelay test package"',
      '',
    ].join('\n'),
  );
  await writeFile(join(dir, 'src', name.replaceAll('-', '_'), '__init__.py'), '__version__ = "0.1.0"\n');
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: 'pkgrelay test',
    GIT_AUTHOR_EMAIL: 'test@example.invalid',
    GIT_COMMITTER_NAME: 'pkgrelay test',
    GIT_COMMITTER_EMAIL: 'test@example.invalid',
  };
  const git = (...args: string[]): void => void execFileSync('git', args, { cwd: dir, env, stdio: 'ignore' });
  git('init', '--quiet', '--initial-branch=main');
  git('add', '.');
  git('commit', '--quiet', '-m', 'first');
  git('tag', 'v0.1.0');
  // A later commit with another version proves that the tag, not the branch head, was checked out.
  await writeFile(join(dir, 'src', name.replaceAll('-', '_'), '__init__.py'), '__version__ = "0.2.0.dev0"\n');
  const pyproject = join(dir, 'pyproject.toml');
  await writeFile(pyproject, (await readFile(pyproject, 'utf8')).replace('"0.1.0"', '"0.2.0.dev0"'));
  git('commit', '--quiet', '-am', 'after the tag');
}
