import { existsSync, mkdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const CPU_CONTROLLER = '/sys/fs/cgroup/cpu';
const PERIOD_US = 100_000;

export interface CpuQuota {
  /** vCPUs the group may use: Cloud Run's CPU limit, as a CFS quota over a 100 ms period. */
  share: number;
  /** The program and arguments that run `program args` inside the group from its first instruction. */
  wrap(program: string, args: readonly string[]): [string, string[]];
  remove(): void;
}

/**
 * A cgroup v1 CPU quota, the way Cloud Run limits an instance to its vCPUs; undefined where this machine has no
 * writable cgroup v1 cpu controller (the benchmark then says so and measures without it).
 */
export function createCpuQuota(share: number): CpuQuota | undefined {
  const dir = join(CPU_CONTROLLER, `pkgrelay-bench-${Math.round(share * 1000)}`);
  try {
    if (!existsSync(dir)) mkdirSync(dir);
    writeFileSync(join(dir, 'cpu.cfs_period_us'), String(PERIOD_US));
    writeFileSync(join(dir, 'cpu.cfs_quota_us'), String(Math.round(share * PERIOD_US)));
  } catch {
    return undefined;
  }
  const procs = join(dir, 'cgroup.procs');
  return {
    share,
    // The shell joins the group, then becomes the program: nothing of it runs outside the quota.
    wrap: (program, args) => ['/bin/sh', ['-c', `echo $$ > '${procs}' && exec "$@"`, 'sh', program, ...args]],
    remove: () => {
      try {
        rmdirSync(dir);
      } catch {
        // Still holding a process that has not been reaped: the next run reuses the group.
      }
    },
  };
}
