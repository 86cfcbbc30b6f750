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
 * updates in place, elsewhere (logs, CI) one line per change and a "still" line every `heartbeatMs`,
 * so a build waiting behind a backlog never looks hung.
 */
export function createJobProgress(
  start: number,
  stream: NodeJS.WriteStream = process.stderr,
  interactive = Boolean(stream.isTTY),
  heartbeatMs = 30_000,
): JobProgress {
  let current = 'waiting for the worker';
  let frame = 0;
  const render = (): void => {
    frame = (frame + 1) % FRAMES.length;
    stream.write(`\r\x1b[2K${FRAMES[frame]} ${current} (${elapsed(start)})`);
  };
  const timer = interactive
    ? setInterval(render, 100)
    : setInterval(() => stream.write(`[${elapsed(start)}] still ${current}\n`), heartbeatMs);
  timer.unref();
  return {
    change(job) {
      // The ids come from the bucket: only this function's own sequences may reach the terminal.
      current = stripTerminalControls(
        `${job.state}${job.attempt > 1 ? ` (attempt ${job.attempt})` : ''}${describePhase(job)}`,
      );
      if (interactive) stream.write(`\r\x1b[2K✓ ${current} at ${elapsed(start)}\n`);
      else stream.write(`[${elapsed(start)}] ${current}\n`);
    },
    stop() {
      clearInterval(timer);
      if (interactive) stream.write('\r\x1b[2K');
    },
  };
}

/** Which of the job's two builds is running: the one that builds upstream code, then the one that publishes. */
function describePhase(job: JobStatus): string {
  if (job.state === 'building' && job.publishBuild) return `: publishing, build ${job.publishBuild.id}`;
  return job.build ? ` build ${job.build.id}` : '';
}
