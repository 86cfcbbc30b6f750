import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const COMMANDS = ['trigger', 'status', 'backfill', 'webhook send', 'reconcile', 'start', 'demo'];

// A port nothing listens on: bound, then closed.
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe.concurrent('pkgrelay (compiled CLI, no stack)', () => {
  let deadStack: string;

  beforeAll(async () => {
    deadStack = await mkdtemp(join(tmpdir(), 'pkgrelay-dead-stack-'));
    const port = await closedPort();
    const url = `http://127.0.0.1:${port}`;
    await writeFile(
      join(deadStack, 'stack.json'),
      JSON.stringify({
        projectId: 'pkgrelay-local',
        pubsub: { host: `127.0.0.1:${port}`, topic: 'pkgrelay-releases' },
        storage: { host: url, bucket: 'pkgrelay-status' },
        webhook: { url, secret: 's' },
        functions: { reconcile: url },
        configPath: join(deadStack, 'repositories.json'),
        upstreamBase: `file://${deadStack}`,
      }),
    );
  });

  it('documents the exit codes in the top-level help', async () => {
    const run = await runCli(['--help']);
    expect(run.code).toBe(0);
    for (const command of [
      'trigger',
      'status',
      'backfill',
      'webhook',
      'reconcile',
      'start',
      'demo',
      'deploy',
    ])
      expect(run.stdout).toContain(command);
    expect(run.stdout).toMatch(
      /Exit codes:\n\s+0\s+ok[\s\S]*1\s+failed[\s\S]*2\s+usage[\s\S]*3\s+unreachable/,
    );
  });

  it.each(COMMANDS)('%s --help answers with usage and exit 0', async (command) => {
    const run = await runCli([...command.split(' '), '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Usage: pkgrelay ${command}`);
  });

  it.each([
    [['trigger', 'not-a-repository', 'v1.0.0']],
    [['trigger', 'octo/widgets', 'bad..tag']],
    [['trigger', 'octo/widgets']],
    [['status', 'octo/widgets', 'v1', '--nope']],
    [['webhook', 'send', 'octo/widgets', 'v1', '--event', 'issues']],
    [['reconcile', '--stuck-after', 'soon']],
    [['trigger', 'octo/widgets', 'v1', '--project', 'p']],
    [['no-such-command']],
    [[]],
  ])('exits 2 on a usage error: %j', async (args) => {
    const run = await runCli(args);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).not.toBe('');
  });

  it.each([
    [['status']],
    [['trigger', 'octo/widgets', 'v1.0.0']],
    [['backfill', 'octo/widgets', '--dry-run']],
    [['webhook', 'send', 'octo/widgets', 'v1.0.0']],
    [['reconcile']],
  ])('exits 3 without a local stack: %j', async (args) => {
    const run = await runCli([...args, '--stack', join(deadStack, 'missing')]);
    expect(run.code, run.stderr).toBe(3);
    expect(run.stderr).toMatch(/No local stack found at .*stack\.json/);
  });

  it.each([
    [['status']],
    [['status', 'octo/widgets', 'v1.0.0', '--json']],
    [['webhook', 'send', 'octo/widgets', 'v1.0.0']],
    [['reconcile', '--json']],
  ])('exits 3 when the stack in stack.json does not answer: %j', async (args) => {
    const run = await runCli([...args, '--stack', deadStack]);
    expect(run.code, run.stderr).toBe(3);
    expect(run.stdout).toBe('');
  });
});
