import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findPackageRoot } from '../local/stack/find-package-root.js';
import type { TargetCheck } from './judge-target.js';
import type { MachineInfo } from './machine-info.js';

export interface BenchResult {
  name: string;
  machine: MachineInfo;
  /** Whether it ran with the small `--quick` sizes: smoke figures, not the recorded ones. */
  quick: boolean;
  settings: Record<string, unknown>;
  figures: Record<string, unknown>;
  checks: TargetCheck[];
  notes: string[];
  durationSeconds: number;
}

/** Writes `bench/results/<name>.json` (in the checkout, not in lib/) and returns its path. */
export async function writeResults(result: BenchResult): Promise<string> {
  const dir = join(findPackageRoot(), 'bench', 'results');
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${result.name}.json`);
  await writeFile(path, JSON.stringify(result, null, 2) + '\n');
  return path;
}
