import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { StepModule } from '../../../shared/build/create-build-plan.js';
import { composeStepProgram } from '../../../shared/build/steps/compose-step-program.js';
import { SYSTEM_PYTHON } from '../../../local/python/install-from-index.js';

const run = promisify(execFile);
const PYTHON_DIR = join(import.meta.dirname, '..', '..', '..', 'shared', 'build', 'python');

function carried(program: string): Record<string, string> {
  const first = program.split('\n', 1)[0] ?? '';
  return JSON.parse(first.slice('SOURCES = '.length)) as Record<string, string>;
}

describe('a step program', () => {
  it.each(Object.entries(StepModule))('for %s carries its modules byte for byte', (_, main) => {
    const sources = carried(composeStepProgram(main));
    expect(Object.keys(sources)).toContain(main);
    expect(Object.keys(sources)).toContain('pkgrelay_steps.prelude');
    for (const [name, source] of Object.entries(sources)) {
      const file = name === 'pkgrelay_steps' ? 'pkgrelay_steps/__init__.py' : `${name.replace('.', '/')}.py`;
      expect(source).toBe(readFileSync(join(PYTHON_DIR, file), 'utf8'));
    }
  });

  it('carries only what the step imports', () => {
    expect(Object.keys(carried(composeStepProgram(StepModule.fetch))).sort()).toEqual([
      'pkgrelay_steps',
      'pkgrelay_steps.fetch_source',
      'pkgrelay_steps.prelude',
    ]);
  });

  it('runs its module as __main__ with the pinned requirements readable, whatever the workspace holds', async () => {
    const workspace = await mkdtemp(join(tmpdir(), 'pkgrelay-program-'));
    // A workspace file named like a step module must not stand in for it.
    const { writeFile, mkdir } = await import('node:fs/promises');
    await mkdir(join(workspace, 'pkgrelay_steps'));
    await writeFile(join(workspace, 'pkgrelay_steps', '__init__.py'), 'raise SystemExit("forged")\n');
    const files = {
      'step_loader.py': readFileSync(join(PYTHON_DIR, 'step_loader.py'), 'utf8'),
      'pkgrelay_steps/__init__.py': readFileSync(join(PYTHON_DIR, 'pkgrelay_steps', '__init__.py'), 'utf8'),
      'pkgrelay_steps/tool-requirements.txt': 'build==1\n',
      'pkgrelay_steps/probe.py':
        'import sys\nfrom pkgrelay_steps import read_data\nif __name__ == "__main__":\n    print(read_data("tool-requirements.txt").strip(), sys.argv[0] != "", __file__)\n',
    };
    const { stdout } = await run(SYSTEM_PYTHON, ['-c', composeStepProgram('pkgrelay_steps.probe', files)], {
      cwd: workspace,
    });
    expect(stdout.trim()).toBe('build==1 True pkgrelay_steps/probe.py');
  });
});
