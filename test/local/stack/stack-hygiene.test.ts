import { mkdir, mkdtemp, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../../../local/stack/start-stack.js';
import { listListeningSockets, socketsOfProcess } from './list-listening-sockets.js';

// Java (the Pub/Sub emulator) binds 127.0.0.1 as an IPv4-mapped IPv6 socket: the same loopback address.
const ipv4 = (address: string): string => address.replace(/^::ffff:/, '');
const modeOf = async (path: string): Promise<string> => ((await stat(path)).mode & 0o777).toString(8);

describe('a started local stack keeps to this machine and keeps its secrets to its owner', () => {
  let stack: Stack;
  let root: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'pkgrelay-hygiene-'));
    // As an older pkgrelay, or a person with a default umask, left them.
    await writeFile(join(root, 'webhook-secret'), 'old-secret\n', { mode: 0o644 });
    await mkdir(join(root, 'secrets'), { mode: 0o755 });
    await writeFile(join(root, 'secrets', 'private-lib-token'), 'ghp_x\n', { mode: 0o644 });
    stack = await startStack({ rootDir: root });
  });
  afterAll(async () => stack?.stop());

  it('runs every function, and every stand-in, on 127.0.0.1 only', async () => {
    const sockets = await listListeningSockets();
    const functions = Object.keys(stack.functions);
    expect(functions.length).toBeGreaterThanOrEqual(5);
    for (const [name, fn] of Object.entries(stack.functions)) {
      const held = await socketsOfProcess(fn.process.pid ?? -1, sockets);
      expect(
        held.map((socket) => socket.port),
        name,
      ).toContain(fn.port);
      expect(held.map((socket) => `${name} ${socket.address}:${socket.port}`)).toEqual(
        held.map((socket) => `${name} 127.0.0.1:${socket.port}`),
      );
    }
    const urls = [
      stack.info.storage.host,
      stack.info.cloudbuild.host,
      stack.info.secretmanager.host,
      stack.info.registry.url,
      `http://${stack.info.pubsub.host}`,
      ...Object.values(stack.info.functions),
    ];
    for (const url of urls) {
      const port = Number(new URL(url).port);
      const bound = sockets
        .filter((socket) => socket.port === port)
        .map((socket) => `${url} ${ipv4(socket.address)}`);
      expect(bound).toEqual([`${url} 127.0.0.1`]);
    }
  });

  it('writes the files that hold secrets 0600, and its secrets folder 0700', async () => {
    expect(stack.info.webhook.secret).toBe('old-secret');
    expect({
      'stack.json': await modeOf(join(root, 'stack.json')),
      'webhook-secret': await modeOf(join(root, 'webhook-secret')),
      'gcloud-access-token': await modeOf(join(root, 'gcloud-access-token')),
      secrets: await modeOf(join(root, 'secrets')),
      'secrets/private-lib-token': await modeOf(join(root, 'secrets', 'private-lib-token')),
    }).toEqual({
      'stack.json': '600',
      'webhook-secret': '600',
      'gcloud-access-token': '600',
      secrets: '700',
      'secrets/private-lib-token': '600',
    });
  });
});
