import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';

export type StepOutcome =
  | { kind: 'exited'; code: number }
  | { kind: 'not-started'; message: string }
  | { kind: 'timeout' }
  | { kind: 'stopped'; reason: unknown };

export interface StepProcess {
  program: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  /** Written to the process's fd 3, then closed (bwrap reads its options there). */
  fd3?: string;
  /** Step timeout in milliseconds; none when undefined. */
  timeoutMs?: number;
  /** Aborted by a cancel or the build's deadline; the reason is reported back. */
  signal: AbortSignal;
  /** Receives each complete line of stdout and stderr. */
  onLine(line: string): void;
}

/** Runs one step as a host process in its own process group, killed whole on timeout or abort. */
export function runBuildStep(step: StepProcess): Promise<StepOutcome> {
  return new Promise((resolve) => {
    if (step.signal.aborted) return resolve({ kind: 'stopped', reason: step.signal.reason });
    // Pipes at 1 and 2 whatever fd 3 is: node's types are precise only for three-entry stdio.
    const child = spawn(step.program, step.args, {
      cwd: step.cwd,
      env: step.env,
      stdio: ['ignore', 'pipe', 'pipe', step.fd3 === undefined ? 'ignore' : 'pipe'],
      detached: true,
    }) as ChildProcessByStdio<null, Readable, Readable>;
    const extra = child.stdio[3];
    if (step.fd3 !== undefined && extra && 'end' in extra) {
      // A process that exits without reading it must not crash the stand-in with EPIPE.
      extra.on('error', () => {});
      extra.end(step.fd3);
    }
    let stopped: StepOutcome | undefined;
    const kill = (outcome: StepOutcome): void => {
      stopped ??= outcome;
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // The group is already gone.
      }
    };
    const onAbort = (): void => kill({ kind: 'stopped', reason: step.signal.reason });
    step.signal.addEventListener('abort', onAbort, { once: true });
    const timer =
      step.timeoutMs === undefined ? undefined : setTimeout(() => kill({ kind: 'timeout' }), step.timeoutMs);

    let open = 2;
    let exit: StepOutcome | undefined;
    const finish = (): void => {
      if (open > 0 || !exit) return;
      clearTimeout(timer);
      step.signal.removeEventListener('abort', onAbort);
      resolve(stopped ?? exit);
    };
    for (const stream of [child.stdout, child.stderr]) {
      let pending = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        const lines = (pending + chunk).split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) step.onLine(line);
      });
      // Grandchildren killed with the group close their pipes too, so 'close' always comes.
      stream.on('close', () => {
        if (pending) step.onLine(pending);
        open -= 1;
        finish();
      });
    }
    child.on('error', (error: NodeJS.ErrnoException) => {
      const message =
        error.code === 'ENOENT'
          ? `exec: "${step.program}": executable file not found in $PATH`
          : `exec: "${step.program}": ${error.message}`;
      exit = { kind: 'not-started', message };
      open = 0;
      finish();
    });
    child.on('exit', (code, signal) => {
      exit ??= { kind: 'exited', code: code ?? 128 + (signal === 'SIGKILL' ? 9 : 15) };
      kill(exit);
      // A grandchild that left the group could hold the pipes open; the exit is what counts.
      setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
      }, 1_000).unref();
      finish();
    });
  });
}
