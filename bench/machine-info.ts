import { cpus, freemem, loadavg, totalmem, type as osType, release, arch } from 'node:os';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  date: string;
  /** 1, 5 and 15 minute load averages when the benchmark started: other work on the machine shows here. */
  loadAverage: number[];
  freeMemoryGiB: number;
}

/** The machine a benchmark ran on, so a figure is never read without its context. */
export function describeMachine(): MachineInfo {
  const list = cpus();
  const gib = (bytes: number): number => Math.round((bytes / 2 ** 30) * 10) / 10;
  return {
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryGiB: gib(totalmem()),
    os: `${osType()} ${release()} ${arch()}`,
    node: process.version,
    date: new Date().toISOString(),
    loadAverage: loadavg().map((value) => Math.round(value * 100) / 100),
    freeMemoryGiB: gib(freemem()),
  };
}
