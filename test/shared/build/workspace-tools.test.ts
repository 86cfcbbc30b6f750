import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startRegistryServer } from '../../../local/registry/start-registry-server.js';
import { StepModule } from '../../../shared/build/create-build-plan.js';
import { composeStepProgram } from '../../../shared/build/steps/compose-step-program.js';
import { SYSTEM_PYTHON } from '../../../local/python/install-from-index.js';

const run = promisify(execFile);

// Cloud Build gives each step a fresh container and keeps only /workspace; an isolated build step
// installs build, twine and packaging into /workspace/.pkgrelay-tools. A stand-in twine there shows
// which copy the later steps run (the machine's own twine would pass the check as well).
async function workspaceWithTools(): Promise<string> {
  const workspace = await mkdtemp(join(tmpdir(), 'pkgrelay-tools-'));
  await mkdir(join(workspace, 'dist'));
  await writeFile(join(workspace, 'dist', 'demo-1.0.0-py3-none-any.whl'), 'wheel');
  await writeFile(join(workspace, 'dist', 'demo-1.0.0.tar.gz'), 'sdist');
  await mkdir(join(workspace, '.pkgrelay-tools', 'twine'), { recursive: true });
  await writeFile(join(workspace, '.pkgrelay-tools', 'twine', '__init__.py'), '');
  await writeFile(
    join(workspace, '.pkgrelay-tools', 'twine', '__main__.py'),
    'import sys\nprint("twine from the workspace:", " ".join(sys.argv[1:3]))\n',
  );
  return workspace;
}

describe('tools an isolated build installs into the workspace', () => {
  it('are what the upload step runs, in a process of its own', async () => {
    const workspace = await workspaceWithTools();
    // The step asks the registry what it holds before uploading: a real (stand-in) registry answers.
    const registry = await startRegistryServer({ dataDir: join(workspace, 'registry') });
    onTestFinished(() => registry.close());
    const env = {
      PATH: '/usr/local/bin:/usr/bin:/bin',
      HOME: workspace,
      PKGRELAY_ISOLATION: 'true',
      PKGRELAY_REGISTRY_URL: registry.repositoryUrl('p', 'r'),
      PKGRELAY_REGISTRY_AUTH: 'none',
      PKGRELAY_ALLOWED_NAMES: 'demo',
    };
    const outputDir = join(workspace, 'upload-output');
    const upload = await run(SYSTEM_PYTHON, ['-c', composeStepProgram(StepModule.upload)], {
      cwd: workspace,
      env: { ...env, BUILDER_OUTPUT: outputDir },
    });
    expect(upload.stdout).toContain('twine from the workspace: upload --non-interactive');
    const output = JSON.parse(await readFile(join(outputDir, 'output'), 'utf8')) as {
      artifacts: Array<{ filename: string }>;
    };
    expect(output.artifacts.map((a) => a.filename)).toEqual([
      'demo-1.0.0-py3-none-any.whl',
      'demo-1.0.0.tar.gz',
    ]);
  });
});
