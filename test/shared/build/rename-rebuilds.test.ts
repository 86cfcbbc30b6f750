import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { createBuildPlan } from '../../../shared/build/create-build-plan.js';
import { RepositoryConfig } from '../../../shared/config/repository-config.js';
import { createUpstreamRepository } from '../../../local/demo/create-upstream-repository.js';
import { SYSTEM_PYTHON } from '../../../local/python/install-from-index.js';
import { SHARED_BUILD_CACHE } from '../../../local/python/install-pinned-tools.js';
import { renameShapes } from './rename-shapes.js';
import { runPlanSteps } from './run-plan-steps.js';

const run = promisify(execFile);
// Isolated builds fetch each backend from PyPI (about 10 s a build here); generous against a loaded machine.
const TEST_TIMEOUT_MS = 300_000;
let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'pkgrelay-renames-'));
});

describe('a renamed (and re-versioned) sdist builds again into the renamed wheel, for every backend', () => {
  it.concurrent.each(Object.entries(renameShapes))(
    '%s',
    async (label, { files, module, builtVersion }) => {
      const repository = `renames/${module}`;
      const name = `acme-${module.replace(/_/g, '-')}`;
      await createUpstreamRepository(join(root, 'git'), repository, [{ files, tag: 'v1.0.0' }]);
      const plan = createBuildPlan({
        projectId: 'p',
        repository,
        tag: 'v1.0.0',
        version: '1.0.0',
        attempt: 1,
        repo: RepositoryConfig.parse({ repository, distributionName: name, versionPolicy: 'from-tag' }),
        upstreamBase: `file://${join(root, 'git')}`,
        registryUrl: 'http://127.0.0.1:9/unused/',
        isolation: true,
        registryAuth: 'none',
        timeoutSeconds: 600,
        stagingLocation: 'gs://staging/test/',
      });
      const workspace = join(root, 'work', module);
      await mkdir(workspace, { recursive: true });
      const runs = await runPlanSteps(plan, workspace, { until: 'check' });
      const last = runs.at(-1);
      expect(last?.id, `${label}: ${last?.log}`).toBe('check');
      expect(last?.code, last?.log).toBe(0);
      const built = `${module.replace(/_/g, '-')} ${builtVersion ?? '1.0.0'}`;
      expect(runs.find((step) => step.id === 'verify')?.log).toContain(
        `rewriting as ${name} 1.0.0 (built as ${built})`,
      );
      const dist = (await readdir(join(workspace, 'dist'))).sort();
      expect(dist).toEqual([
        expect.stringMatching(new RegExp(`^acme_${module}-1\\.0\\.0-py[\\w.]+-none-any\\.whl$`)),
        `acme_${module}-1.0.0.tar.gz`,
      ]);
      const [wheel, sdist] = dist.map((entry) => join(workspace, 'dist', entry));
      const { stdout } = await run(
        SYSTEM_PYTHON,
        ['-c', REBUILD, wheel ?? '', sdist ?? '', join(workspace, 'rebuilt'), module],
        {
          env: {
            PATH: '/usr/local/bin:/usr/bin:/bin',
            HOME: workspace,
            PIP_CONFIG_FILE: '/dev/null',
            // The stack's pip cache: each backend comes from PyPI once, not once per shape.
            PIP_CACHE_DIR: join(SHARED_BUILD_CACHE, 'pip'),
          },
        },
      );
      const result = JSON.parse(stdout) as Record<string, unknown>;
      expect(result).toMatchObject({ name, version: '1.0.0', hello: `hello from ${module}` });
      // The same files and the same metadata as the wheel pkgrelay rewrote, byte for byte but the RECORD.
      expect(result['rebuiltFiles']).toEqual(result['files']);
      expect(result['rebuiltMetadata']).toEqual(result['metadata']);
    },
    TEST_TIMEOUT_MS,
  );
});

// pip builds the renamed sdist as `pip install --no-binary :all:` would (isolated, its backend from PyPI).
const REBUILD = String.raw`
import email.parser, json, os, subprocess, sys, zipfile
wheel, sdist, out, module = sys.argv[1:5]
def read(path):
    whl = zipfile.ZipFile(path)
    info = next(n for n in whl.namelist() if n.endswith(".dist-info/METADATA")).split("/")[0]
    meta = email.parser.Parser().parsestr(whl.read(info + "/METADATA").decode())
    files = sorted(n for n in whl.namelist() if not n.startswith(info + "/"))
    extra = sorted(n[len(info) + 1:] for n in whl.namelist() if n.startswith(info + "/") and not n.endswith("/RECORD"))
    return meta, files + extra, whl.read(info + "/METADATA").decode()
subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--disable-pip-version-check",
                "--wheel-dir", out, sdist], check=True, stdout=sys.stderr)
rebuilt = os.path.join(out, os.listdir(out)[0])
meta, files, text = read(wheel)
new_meta, new_files, new_text = read(rebuilt)
target = os.path.join(out, "site")
subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", "--disable-pip-version-check",
                "--target", target, rebuilt], check=True, stdout=sys.stderr)
hello = subprocess.run([sys.executable, "-c", "import " + module + "; print(" + module + ".hello())"],
                       env={"PYTHONPATH": target}, capture_output=True, text=True, check=True).stdout.strip()
print(json.dumps({"name": new_meta["Name"], "version": new_meta["Version"], "hello": hello,
                  "files": files, "rebuiltFiles": new_files, "metadata": text, "rebuiltMetadata": new_text}))
`;
