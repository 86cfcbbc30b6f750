import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { findPackageRoot } from '../local/stack/find-package-root.js';
import { STACK_FILE, readStackInfo, type StackInfo } from '../local/stack/stack-info.js';
import { waitUntil } from '../local/net/wait-until.js';
import { existsSync } from 'node:fs';

export interface StackProcess {
  info: StackInfo;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Runs `node <script> <args>` and resolves once it has written `<root>/stack.json`. */
export async function startStackProcess(
  script: string,
  args: string[],
  root: string,
  timeoutMs = 180_000,
): Promise<StackProcess> {
  const child = spawn(process.execPath, [join(findPackageRoot(), script), ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
  let exited: string | undefined;
  child.once('exit', (code, signal) => (exited = `${signal ?? code}`));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await gone;
    clearTimeout(timer);
  };
  let info: StackInfo | undefined;
  try {
    await waitUntil(
      `${script} to write ${STACK_FILE}`,
      async () => {
        if (!existsSync(join(root, STACK_FILE))) return false;
        // The file may be seen half written: it counts once it parses.
        info = await readStackInfo(root);
        return true;
      },
      {
        timeoutMs,
        intervalMs: 20,
        failIf: () => (exited ? new Error(`${script} exited with ${exited}: ${stderr}`) : undefined),
      },
    );
    if (!info) throw new Error(`${STACK_FILE} was not read`);
    return { info, child, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
