import { readFile } from 'node:fs/promises';

/** A process's peak resident memory (VmHWM) in MiB, or undefined once it is gone. */
export async function readPeakMemoryMiB(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(status);
    return match?.[1] ? Math.round(Number(match[1]) / 102.4) / 10 : undefined;
  } catch {
    return undefined;
  }
}
