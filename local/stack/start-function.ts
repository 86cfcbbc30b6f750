import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { findFreePort } from '../net/find-free-port.js';
import { waitUntil } from '../net/wait-until.js';
import { stopProcess } from '../net/stop-process.js';
import { findPackageRoot } from './find-package-root.js';

export interface FunctionSpec {
  /** The function's registered name (its `--target`). */
  target: string;
  /** The compiled module that registers it. */
  source: string;
  signatureType: 'http' | 'cloudevent';
}

export interface RunningFunction {
  target: string;
  url: string;
  port: number;
  process: ChildProcess;
  stop(): Promise<void>;
  restart(): Promise<void>;
}

// Binds the framework's server to 127.0.0.1; compiled like the functions it serves (`npm run build`).
const serveFunction = join(findPackageRoot(), 'lib/local/stack/serve-function.js');

/** Runs one function in its own functions-framework process, as Cloud Run does: one target per instance, on 127.0.0.1. */
export async function startFunction(
  spec: FunctionSpec,
  { port, env, logFile }: { port?: number; env: Record<string, string>; logFile: string },
): Promise<RunningFunction> {
  const chosen = port || (await findFreePort());
  const url = `http://127.0.0.1:${chosen}`;
  const log = createWriteStream(logFile, { flags: 'a' });
  let child: ChildProcess;
  const launch = async (): Promise<void> => {
    child = spawn(process.execPath, [serveFunction, spec.source, spec.target, String(chosen)], {
      env: { ...process.env, ...env, NODE_ENV: 'production' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    let exited = '';
    child.once('exit', (code, signal) => (exited = `${signal ?? code}`));
    // A connection, not a request: an HTTP request would reach the function, and a CloudEvent
    // function's framework logs a TypeError for one that carries no event.
    await waitUntil(
      `function ${spec.target} on ${url}`,
      async () => {
        await acceptsConnections(chosen);
        return true;
      },
      {
        failIf: () =>
          exited ? new Error(`function ${spec.target} exited with ${exited}; see ${logFile}`) : undefined,
      },
    );
  };
  const stop = (): Promise<void> => stopProcess(child);
  await launch();
  return {
    target: spec.target,
    url,
    port: chosen,
    get process() {
      return child;
    },
    stop,
    restart: async () => {
      await stop();
      await launch();
    },
  };
}

function acceptsConnections(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.end();
      resolve();
    });
    socket.once('error', reject);
  });
}
