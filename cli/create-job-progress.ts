import type { JobStatus } from '../shared/status/job-status.js';
import { stripTerminalControls } from '../shared/text/strip-terminal-controls.js';
import { elapsed } from './print-progress.js';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export interface JobProgress {
  change(job: JobStatus): void;
  stop(): void;
}

/**
 * Shows a job's state changes on stderr with the elapsed time: on a terminal one spinner line that
 * updates in place, elsewhere (logs, CI) one line per change.
 */
export function createJobProgress(
  start: number,
  stream: NodeJS.WriteStream = process.stderr,
  interactive = Boolean(stream.isTTY),
): JobProgress {
  let current = 'waiting for the worker';
  let frame = 0;
  const render = (): void => {
    frame = (frame + 1) % FRAMES.length;
    stream.write(`\r\x1b[2K${FRAMES[frame]} ${current} (${elapsed(start)})`);
  };
  const timer = interactive ? setInterval(render, 100) : undefined;
  timer?.unref();
  return {
    change(job) {
      const build = job.build ? ` build ${job.build.id}` : '';
      // The build id comes from the bucket: only this function's own sequences may reach the terminal.
      current = stripTerminalControls(
        `${job.state}${job.attempt > 1 ? ` (attempt ${job.attempt})` : ''}${build}`,
      );
      if (interactive) stream.write(`\r\x1b[2K✓ ${current} at ${elapsed(start)}\n`);
      else stream.write(`[${elapsed(start)}] ${current}\n`);
    },
    stop() {
      if (timer) clearInterval(timer);
      if (interactive) stream.write('\r\x1b[2K');
    },
  };
}
