import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { protos } from '@google-cloud/cloudbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  queuedBuildOf,
  startCloudBuildStack,
  statusName,
  type CloudBuildStack,
} from './start-cloud-build-stack.js';

// A killed process stays a zombie until its new parent reaps it; that counts as gone.
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

// A sandboxed step has its own pid namespace, so the host finds its processes by their command line.
function findAlive(commandLine: string): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim() === commandLine;
      } catch {
        return false;
      }
    })
    .map(Number)
    .filter(isAlive);
}

let sleepers = 0;
// The step's shell starts a child (`$$!` reaches bash as `$!`): killing only the shell would leave it. Each
// sleeper's duration is unique, so its command line names it.
const sleeper = (
  seconds: number,
  timeoutSeconds?: number,
): { step: protos.google.devtools.cloudbuild.v1.IBuildStep; commandLine: string } => {
  sleepers += 1;
  const duration = `${seconds}.${process.pid}${sleepers}`;
  return {
    step: {
      id: 'wait',
      name: 'bash',
      entrypoint: 'bash',
      args: ['-c', `sleep ${duration} & echo started; wait; echo woke`],
      ...(timeoutSeconds ? { timeout: { seconds: timeoutSeconds } } : {}),
    },
    commandLine: `sleep ${duration}`,
  };
};
const seconds = (time: unknown): number =>
  Number((time as { seconds?: unknown } | undefined)?.seconds ?? NaN);

describe('Cloud Build stand-in: builds that are stopped or refused', () => {
  let stack: CloudBuildStack;
  beforeAll(async () => {
    stack = await startCloudBuildStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const waitForSleeper = async (commandLine: string): Promise<number[]> => {
    for (let i = 0; i < 200; i += 1) {
      const pids = findAlive(commandLine);
      if (pids.length > 0) return pids;
      await sleep(50);
    }
    throw new Error(`no process runs ${commandLine}`);
  };

  // Whether the sleeper started is read from the log, not raced against the timeout.
  const expectKilledAfterStart = async (id: string, commandLine: string): Promise<void> => {
    const log = await (await fetch(`${stack.server.url}/logs/${id}`)).text();
    expect(log).toContain('"wait": started');
    expect(log).not.toContain('woke');
    expect(findAlive(commandLine)).toEqual([]);
  };

  it('cancels a running build: the step is killed and the build is CANCELLED', async () => {
    const { client, projectId } = stack;
    const wait = sleeper(60);
    const [operation] = await client.createBuild({
      projectId,
      build: { steps: [wait.step, { name: 'bash', entrypoint: 'true' }] },
    });
    const id = queuedBuildOf(operation).id ?? '';
    await stack.waitForBuild(id, (status) => status === 'WORKING');
    expect(await waitForSleeper(wait.commandLine)).toHaveLength(1);
    const [cancelled] = await client.cancelBuild({ projectId, id });
    expect(statusName(cancelled.status)).toBe('CANCELLED');
    expect(findAlive(wait.commandLine)).toEqual([]);
    const build = await stack.waitForBuild(id);
    expect(statusName(build.status)).toBe('CANCELLED');
    expect(build.steps?.map((s) => statusName(s.status))).toEqual(['CANCELLED', 'QUEUED']);
    await stack.waitForNotifications(id, ['QUEUED', 'WORKING', 'CANCELLED']);
    const log = await (await fetch(`${stack.server.url}/logs/${id}`)).text();
    expect(log).not.toContain('woke');
  });

  it('ends a build that outlives its timeout as TIMEOUT', async () => {
    const { client, projectId } = stack;
    const wait = sleeper(60);
    const [operation] = await client.createBuild({
      projectId,
      build: { steps: [wait.step], timeout: { seconds: 2 } },
    });
    const id = queuedBuildOf(operation).id ?? '';
    const build = await stack.waitForBuild(id);
    expect(statusName(build.status)).toBe('TIMEOUT');
    expect(statusName(build.steps?.[0]?.status)).toBe('TIMEOUT');
    await expectKilledAfterStart(id, wait.commandLine);
    const ran = seconds(build.finishTime) - seconds(build.startTime);
    // Killed at its 2 s timeout: far short of the step's own 60 s, however slow the machine.
    expect(ran).toBeGreaterThanOrEqual(1);
    expect(ran).toBeLessThan(60);
    await stack.waitForNotifications(id, ['TIMEOUT']);
  });

  it('ends a build whose step outlives the step timeout as TIMEOUT', async () => {
    const { client, projectId } = stack;
    const wait = sleeper(60, 1);
    const [operation] = await client.createBuild({
      projectId,
      build: { steps: [wait.step, { name: 'bash', entrypoint: 'true' }], timeout: { seconds: 600 } },
    });
    const id = queuedBuildOf(operation).id ?? '';
    const build = await stack.waitForBuild(id);
    expect(statusName(build.status)).toBe('TIMEOUT');
    expect(build.steps?.map((s) => statusName(s.status))).toEqual(['TIMEOUT', 'QUEUED']);
    await expectKilledAfterStart(id, wait.commandLine);
  });

  it.each([
    {
      why: 'a substitution the template does not use',
      build: { steps: [{ name: 'bash', entrypoint: 'true' }], substitutions: { _UNUSED: 'x' } },
      message: 'key "_UNUSED" in the substitution data is not matched in the template',
    },
    {
      why: 'a template key without a value',
      build: { steps: [{ name: 'bash', entrypoint: 'echo', args: ['$_MISSING'] }] },
      message: 'key in the template "_MISSING" is not matched in the substitution data',
    },
    {
      why: 'a key that is neither user-defined nor an overridable built-in',
      build: {
        steps: [{ name: 'bash', entrypoint: 'echo', args: ['$_X'] }],
        substitutions: { lower: 'x', _X: 'y' },
      },
      message: 'substitution key "lower" does not respect format "^_[A-Z0-9_]+$"',
    },
    {
      why: 'a shell variable written with one $',
      build: { steps: [{ name: 'bash', entrypoint: 'bash', args: ['-c', 'echo $HOME'] }] },
      message: 'key in the template "HOME" is not a valid built-in substitution',
    },
    {
      why: 'no steps',
      build: { steps: [] },
      message: 'no build steps are specified',
    },
  ] as { why: string; build: protos.google.devtools.cloudbuild.v1.IBuild; message: string }[])(
    'refuses $why with HTTP 400 through the client',
    async ({ build, message }) => {
      const { client, projectId } = stack;
      const [before] = await client.listBuilds({ projectId });
      const error = await client.createBuild({ projectId, build }).then(
        () => undefined,
        (caught: unknown) => caught as { status?: number; message?: string },
      );
      // In fallback mode the library surfaces the GaxiosError: HTTP status, and the body as the message.
      expect(error?.status).toBe(400);
      const body = JSON.parse(error?.message ?? '{}') as { error?: { message?: string } };
      expect(body).toMatchObject({ error: { code: 400, status: 'INVALID_ARGUMENT' } });
      expect(body.error?.message).toContain(message);
      const [after] = await client.listBuilds({ projectId });
      expect(after).toHaveLength(before.length);
    },
  );

  it('lets ALLOW_LOOSE through: unused keys are ignored and unknown ones become empty', async () => {
    const { client, projectId } = stack;
    const [operation] = await client.createBuild({
      projectId,
      build: {
        steps: [
          {
            name: 'bash',
            entrypoint: 'bash',
            args: ['-c', 'printf "[%s]" "$_MISSING" > "$$BUILDER_OUTPUT/output"'],
          },
        ],
        substitutions: { _UNUSED: 'x' },
        options: { substitutionOption: 'ALLOW_LOOSE' },
      },
    });
    const build = await stack.waitForBuild(queuedBuildOf(operation).id ?? '');
    expect(statusName(build.status)).toBe('SUCCESS');
    expect(Buffer.from(build.results?.buildStepOutputs?.[0] ?? '').toString()).toBe('[]');
  });

  it('answers 404 in Google JSON for a build that does not exist', async () => {
    const response = await fetch(`${stack.server.url}/v1/projects/${stack.projectId}/builds/nope`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: 404, status: 'NOT_FOUND' } });
  });
});
