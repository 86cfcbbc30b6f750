import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { findFreePort } from '../local/net/find-free-port.js';
import type { FunctionSpec } from '../local/stack/start-function.js';

const frameworkMain = join(
  dirname(createRequire(import.meta.url).resolve('@google-cloud/functions-framework')),
  'main.js',
);

export interface FirstAnswer {
  ms: number;
  status: number;
}

export interface FirstRequest {
  body: string;
  headers: Record<string, string>;
}

/** Starts a functions-framework process and times process start → the first answer to `request`, polling every `intervalMs`. */
export async function measureFirstAnswer(
  spec: FunctionSpec,
  env: Record<string, string>,
  request: FirstRequest,
  {
    intervalMs = 5,
    timeoutMs = 30_000,
    wrap = (program, args) => [program, [...args]],
  }: {
    intervalMs?: number;
    timeoutMs?: number;
    /** Runs the process some other way (inside a CPU quota), given its program and arguments. */
    wrap?: (program: string, args: readonly string[]) => [string, string[]];
  } = {},
): Promise<FirstAnswer> {
  const port = await findFreePort();
  const url = `http://127.0.0.1:${port}/`;
  const started = performance.now();
  const [program, args] = wrap(process.execPath, [
    frameworkMain,
    `--target=${spec.target}`,
    `--source=${spec.source}`,
    `--signature-type=${spec.signatureType}`,
    `--port=${port}`,
  ]);
  const child = spawn(program, args, {
    env: { ...process.env, ...env, NODE_ENV: 'production' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  let exited: string | undefined;
  child.once('exit', (code, signal) => (exited = `${signal ?? code}`));
  try {
    while (performance.now() - started < timeoutMs) {
      if (exited) throw new Error(`${spec.target} exited with ${exited}: ${stderr.slice(-2000)}`);
      try {
        const response = await fetch(url, { method: 'POST', headers: request.headers, body: request.body });
        const ms = performance.now() - started;
        await response.arrayBuffer();
        return { ms, status: response.status };
      } catch {
        // Not listening yet: the refused connection costs microseconds, the pause bounds the polling.
        await sleep(intervalMs);
      }
    }
    throw new Error(`${spec.target} did not answer within ${timeoutMs} ms`);
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await gone;
    }
  }
}
