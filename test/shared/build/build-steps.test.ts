import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { createBuildPlan } from '../../../shared/build/create-build-plan.js';
import { RepositoryConfig } from '../../../shared/config/repository-config.js';
import { createUpstreamRepository } from '../../../local/demo/create-upstream-repository.js';
import {
  sampleFlitProject,
  sampleHatchlingProject,
  samplePoetry2Project,
  type ProjectFiles,
} from '../../../local/demo/sample-project.js';
import { SYSTEM_PYTHON } from '../../../local/python/install-from-index.js';
import { runPlanSteps } from './run-plan-steps.js';

const run = promisify(execFile);
let upstreams: string;

beforeAll(async () => {
  upstreams = await mkdtemp(join(tmpdir(), 'pkgrelay-steps-'));
});

async function buildTag(
  repository: string,
  files: ProjectFiles,
  tag: string,
  options: Partial<RepositoryConfig> & { annotated?: boolean; allowedNames?: string[] } = {},
) {
  const { annotated = false, allowedNames, ...repoOptions } = options;
  await createUpstreamRepository(join(upstreams, 'git'), repository, [{ files, tag, annotated }]);
  const repo = RepositoryConfig.parse({ repository, ...repoOptions });
  const plan = createBuildPlan({
    projectId: 'p',
    repository,
    tag,
    version: tag.replace(/^v/, ''),
    attempt: 1,
    repo,
    upstreamBase: `file://${join(upstreams, 'git')}`,
    registryUrl: 'http://127.0.0.1:9/unused/',
    isolation: false,
    registryAuth: 'none',
    timeoutSeconds: 600,
    stagingLocation: 'gs://staging/test/',
  });
  const workspace = join(upstreams, 'work', repository);
  await mkdir(workspace, { recursive: true });
  const runs = await runPlanSteps(plan, workspace, {
    until: 'check',
    ...(allowedNames ? { allowedNames } : {}),
  });
  const dist = await readdir(join(workspace, 'dist')).catch(() => [] as string[]);
  return { runs, last: runs.at(-1), dist: dist.sort(), workspace };
}

describe('the build steps, run as the stand-in runs them', () => {
  it('fails BACKEND_TOO_OLD with what fixes it', async () => {
    const { last } = await buildTag(
      'steps/poetry2',
      samplePoetry2Project('p2-demo', 'p2_demo', '1.0.0'),
      'v1.0.0',
    );
    expect(last?.id).toBe('build');
    expect(last?.output).toMatchObject({ error: { code: 'BACKEND_TOO_OLD' } });
  });

  it('refuses in verify a distribution whose name the repository may not publish', async () => {
    const { last, runs } = await buildTag(
      'steps/squat',
      sampleFlitProject('fl-squat', 'fl_squat', '1.0.0'),
      'v1.0.0',
      { allowedNames: ['fl-own'] },
    );
    expect(runs.map((step) => step.id)).toEqual(['fetch', 'build', 'pack', 'receive', 'verify']);
    expect(last?.output).toMatchObject({
      error: {
        code: 'NAME_NOT_ALLOWED',
        message: expect.stringContaining('may publish only fl-own, not fl-squat, fl_squat'),
      },
    });
  });

  it('fails VERSION_MISMATCH naming both versions', async () => {
    const { last } = await buildTag(
      'steps/mismatch',
      sampleFlitProject('fl-mis', 'fl_mis', '0.3.0'),
      'v0.4.0',
    );
    expect(last?.id).toBe('verify');
    expect(last?.output).toMatchObject({
      error: {
        code: 'VERSION_MISMATCH',
        message: expect.stringContaining('names version 0.4.0 but the project built 0.3.0'),
      },
    });
  });

  it('renames and re-versions a wheel and sdist that twine, pip and the backend accept', async () => {
    const { last, dist, workspace } = await buildTag(
      'steps/rename',
      sampleHatchlingProject('ha-orig', 'ha_orig', '0.9.0'),
      'v1.0.0',
      { distributionName: 'Acme.Ha-Orig', versionPolicy: 'from-tag' },
    );
    expect(last?.code, last?.log).toBe(0);
    expect(last?.id).toBe('check');
    expect(dist).toEqual(['acme_ha_orig-1.0.0-py3-none-any.whl', 'acme_ha_orig-1.0.0.tar.gz']);
    const paths = dist.map((file) => join(workspace, 'dist', file));
    const { stdout } = await run(SYSTEM_PYTHON, ['-c', INSPECT, ...paths, join(workspace, 'rebuilt')]);
    expect(JSON.parse(stdout)).toEqual({
      wheel: {
        names: [
          'acme_ha_orig-1.0.0.dist-info/METADATA',
          'acme_ha_orig-1.0.0.dist-info/RECORD',
          'acme_ha_orig-1.0.0.dist-info/WHEEL',
          'ha_orig/__init__.py',
        ],
        name: 'Acme.Ha-Orig',
        version: '1.0.0',
        metadataVersion: '2.1',
        badRecord: [],
      },
      sdist: {
        top: ['acme_ha_orig-1.0.0'],
        pkgInfo: ['Acme.Ha-Orig 1.0.0'],
        pyproject: ['name = "Acme.Ha-Orig"', 'version = "1.0.0"'],
      },
      rebuilt: ['acme_ha_orig-1.0.0-py3-none-any.whl'],
    });
  });

  it('leaves a build alone when it already carries the tag version and its own name', async () => {
    const { last } = await buildTag(
      'steps/as-is',
      sampleFlitProject('fl-same', 'fl_same', '1.0.0'),
      'v1.0.0',
      {
        versionPolicy: 'from-tag',
      },
    );
    expect(last?.code, last?.log).toBe(0);
    expect(last?.log).not.toContain('rewriting');
  });
});

const INSPECT = String.raw`
import base64, csv, email.parser, hashlib, io, json, os, subprocess, sys, tarfile, zipfile
wheel, sdist, out = sys.argv[1:4]
whl = zipfile.ZipFile(wheel)
info = next(n for n in whl.namelist() if n.endswith(".dist-info/METADATA")).split("/")[0]
meta = email.parser.Parser().parsestr(whl.read(info + "/METADATA").decode())
bad = []
for path, digest, size in csv.reader(io.StringIO(whl.read(info + "/RECORD").decode())):
    if path.endswith("/RECORD"):
        continue
    data = whl.read(path)
    if digest != "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode() or int(size) != len(data):
        bad.append(path)
tar = tarfile.open(sdist)
members = tar.getmembers()
top = sorted({m.name.split("/")[0] for m in members})
pkg_info = [email.parser.Parser().parsestr(tar.extractfile(m).read().decode()) for m in members if m.name.endswith("PKG-INFO")]
pyproject = tar.extractfile(top[0] + "/pyproject.toml").read().decode().splitlines()
check = subprocess.run([sys.executable, "-m", "twine", "check", "--strict", wheel, sdist], capture_output=True, text=True)
assert check.returncode == 0, check.stdout
subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "--no-index",
                "--disable-pip-version-check", "--wheel-dir", out, sdist], check=True, stdout=sys.stderr)
print(json.dumps({
    "wheel": {"names": sorted(whl.namelist()), "name": meta["Name"], "version": meta["Version"],
              "metadataVersion": meta["Metadata-Version"], "badRecord": bad},
    "sdist": {"top": top, "pkgInfo": [m["Name"] + " " + m["Version"] for m in pkg_info],
              "pyproject": [line for line in pyproject if line.startswith(("name", "version"))]},
    "rebuilt": sorted(os.listdir(out)),
}))
`;
