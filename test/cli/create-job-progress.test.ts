import { describe, expect, it, vi } from 'vitest';
import { createJobProgress } from '../../cli/create-job-progress.js';
import type { JobStatus } from '../../shared/status/job-status.js';

function sink() {
  const chunks: string[] = [];
  return {
    chunks,
    stream: { write: (chunk: string) => chunks.push(chunk), isTTY: false } as unknown as NodeJS.WriteStream,
  };
}

const job = (state: JobStatus['state'], attempt = 1) =>
  ({ state, attempt, build: state === 'queued' ? undefined : { id: 'b-1' } }) as JobStatus;

describe('createJobProgress', () => {
  it('writes one line per change with the elapsed time when not on a terminal', () => {
    const { chunks, stream } = sink();
    const display = createJobProgress(Date.now(), stream, false);
    display.change(job('queued'));
    display.change(job('building', 2));
    display.stop();
    expect(chunks).toEqual([
      expect.stringMatching(/^\[\d+\.\d s\] queued\n$/),
      expect.stringMatching(/^\[\d+\.\d s\] building \(attempt 2\) build b-1\n$/),
    ]);
  });

  it('redraws one spinner line in place on a terminal and clears it at the end', async () => {
    const { chunks, stream } = sink();
    const display = createJobProgress(Date.now(), stream, true);
    await new Promise((resolve) => setTimeout(resolve, 250));
    display.change(job('published'));
    display.stop();
    expect(
      chunks.filter((chunk) => chunk.startsWith('\r\x1b[2K') && chunk.includes('waiting for the worker'))
        .length,
    ).toBeGreaterThan(0);
    expect(chunks).toContainEqual(expect.stringMatching(/✓ published build b-1 at/));
    expect(chunks.at(-1)).toBe('\r\x1b[2K');
  });

  it('names the publish phase, and says every heartbeat what it still waits for', () => {
    vi.useFakeTimers();
    try {
      const { chunks, stream } = sink();
      const display = createJobProgress(Date.now(), stream, false, 30_000);
      display.change({ ...job('building'), publishBuild: { id: 'p-1' } } as JobStatus);
      vi.advanceTimersByTime(61_000);
      display.stop();
      vi.advanceTimersByTime(61_000);
      expect(chunks).toEqual([
        expect.stringMatching(/^\[\d+\.\d s\] building: publishing, build p-1\n$/),
        expect.stringMatching(/^\[30\.\d s\] still building: publishing, build p-1\n$/),
        expect.stringMatching(/^\[60\.\d s\] still building: publishing, build p-1\n$/),
      ]);
    } finally {
      vi.useRealTimers();
    }
  });
});
