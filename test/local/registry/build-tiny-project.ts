import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCommand, toolEnv } from './run-command.js';

export interface BuiltDistribution {
  filename: string;
  path: string;
  sha256: string;
}

export interface TinyProject {
  distDir: string;
  files: BuiltDistribution[];
}

/** Writes a one-module setuptools project into `dir` and builds its sdist and wheel with Debian's `build`. */
export async function buildTinyProject(
  dir: string,
  {
    name,
    version,
    module,
    requiresPython,
  }: { name: string; version: string; module: string; requiresPython: string },
): Promise<TinyProject> {
  await mkdir(join(dir, module), { recursive: true });
  await writeFile(
    join(dir, 'pyproject.toml'),
    [
      '[build-system]',
      'requires = ["setuptools"]',
      'build-backend = "setuptools.build_meta"',
      '',
      '[project]',
      `name = "${name}"`,
      `version = "${version}"`,
      `requires-python = "${requiresPython}"`,
      '',
    ].join('\n'),
  );
  await writeFile(join(dir, module, '__init__.py'), 'VALUE = 42\n');
  const built = await runCommand(
    '/usr/bin/python3',
    ['-m', 'build', '--no-isolation', '--skip-dependency-check', '--outdir', 'dist', '.'],
    { cwd: dir, env: toolEnv(dir) },
  );
  if (built.code !== 0) throw new Error(`python -m build failed:\n${built.output}`);
  const distDir = join(dir, 'dist');
  const files = await Promise.all(
    (await readdir(distDir)).sort().map(async (filename) => {
      const path = join(distDir, filename);
      return {
        filename,
        path,
        sha256: createHash('sha256')
          .update(await readFile(path))
          .digest('hex'),
      };
    }),
  );
  return { distDir, files };
}
