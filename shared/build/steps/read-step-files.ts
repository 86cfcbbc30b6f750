import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The Python the build steps run, by path under `shared/build/python/` (the bundles embed these files). */
export type StepFiles = Readonly<Record<string, string>>;

const PYTHON_DIR = fileURLToPath(new URL('../python/', import.meta.url));
let cached: StepFiles | undefined;

/** Reads the step loader, the `pkgrelay_steps` modules and their data files once. */
export function readStepFiles(): StepFiles {
  cached ??= Object.fromEntries(
    ['step_loader.py', ...readdirSync(join(PYTHON_DIR, 'pkgrelay_steps')).map((f) => `pkgrelay_steps/${f}`)]
      .filter((path) => /\.(py|txt)$/.test(path))
      .sort()
      .map((path) => [path, readFileSync(join(PYTHON_DIR, path), 'utf8')]),
  );
  return cached;
}
