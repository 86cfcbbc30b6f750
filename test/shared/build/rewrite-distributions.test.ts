import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { PRELUDE } from '../../../shared/build/steps/prelude.js';
import { REWRITE_DISTRIBUTIONS } from '../../../shared/build/steps/rewrite-distributions.js';
import { SYSTEM_PYTHON } from '../../../local/python/install-from-index.js';

const run = promisify(execFile);

// Hand-made archives with what real backends put in rarely: a .data folder, a signature, long paths, links.
const SCRIPT =
  PRELUDE +
  REWRITE_DISTRIBUTIONS +
  String.raw`
import base64, csv, email.parser, hashlib, io, json, sys, tarfile, zipfile
os.chdir(sys.argv[1])
meta = "Metadata-Version: 2.1\nName: old.Name\nVersion: 0.1\nSummary: s\nLicense: line one\n        Name: not a header\n\nName: body text stays\n"
with zipfile.ZipFile("old_name-0.1-1-py3-none-any.whl", "w") as whl:
    whl.writestr("old_name/__init__.py", "x = 1\n")
    whl.writestr("old_name-0.1.data/scripts/tool", "#!python\nprint(1)\n")
    whl.writestr("old_name-0.1.dist-info/METADATA", meta)
    whl.writestr("old_name-0.1.dist-info/WHEEL", "Wheel-Version: 1.0\n")
    whl.writestr("old_name-0.1.dist-info/entry_points.txt", "[console_scripts]\nt = old_name:x\n")
    whl.writestr("old_name-0.1.dist-info/RECORD.jws", "{}")
    whl.writestr("old_name-0.1.dist-info/RECORD", "stale,,\n")
long_dir = "old.Name-0.1/" + "d" * 120 + "/"
with tarfile.open("old.Name-0.1.tar.gz", "w:gz", format=tarfile.GNU_FORMAT) as tar:
    def add(name, data, **extra):
        info = tarfile.TarInfo(name)
        for key, value in extra.items():
            setattr(info, key, value)
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    add("old.Name-0.1/PKG-INFO", meta.encode())
    add("old.Name-0.1/src/old.Name.egg-info/PKG-INFO", meta.encode())
    add("old.Name-0.1/setup.cfg", b"[metadata]\nname = old.Name\nversion = 0.1\n\n[options]\nname = untouched\n")
    add("old.Name-0.1/pyproject.toml", b'[project]\nname = "old.Name"  \nversion = "0.1"\n\n[tool.other]\nname = "untouched"\n')
    add(long_dir + "file.txt", b"long\n")
    add("old.Name-0.1/link", b"", type=tarfile.SYMTYPE, linkname="setup.cfg")
wheel = rewrite_wheel("old_name-0.1-1-py3-none-any.whl", "new-name", "2.0.0+local.1")
sdist = rewrite_sdist("old.Name-0.1.tar.gz", "new-name", "2.0.0+local.1", True, True)
with zipfile.ZipFile(wheel) as whl:
    names = whl.namelist()
    rows = list(csv.reader(io.StringIO(whl.read("new_name-2.0.0+local.1.dist-info/RECORD").decode())))
    bad = [p for p, d, s in rows if d and d != "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(whl.read(p)).digest()).rstrip(b"=").decode()]
    wheel_meta = whl.read("new_name-2.0.0+local.1.dist-info/METADATA").decode()
with tarfile.open(sdist) as tar:
    members = {m.name: m for m in tar.getmembers()}
    text = lambda name: tar.extractfile(members[name]).read().decode()
    top = "new_name-2.0.0+local.1/"
    result_sdist = {"members": sorted(members), "egg": text(top + "src/old.Name.egg-info/PKG-INFO").split("\n")[1:3],
                    "cfg": text(top + "setup.cfg"), "toml": text(top + "pyproject.toml"), "link": members[top + "link"].linkname}
print(json.dumps({"wheel": wheel, "names": names, "rows": [r[0] for r in rows], "bad": bad, "meta": wheel_meta,
                  "sdist": sdist, **result_sdist}))
`;

describe('rewriting built distributions', () => {
  it('renames every part of a wheel and an sdist, and re-versions them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pkgrelay-rewrite-'));
    const { stdout } = await run(SYSTEM_PYTHON, ['-c', SCRIPT, dir]);
    const result = JSON.parse(stdout) as Record<string, unknown>;
    expect(result['wheel']).toBe('new_name-2.0.0+local.1-1-py3-none-any.whl');
    expect(result['names']).toEqual([
      'old_name/__init__.py',
      'new_name-2.0.0+local.1.data/scripts/tool',
      'new_name-2.0.0+local.1.dist-info/METADATA',
      'new_name-2.0.0+local.1.dist-info/WHEEL',
      'new_name-2.0.0+local.1.dist-info/entry_points.txt',
      'new_name-2.0.0+local.1.dist-info/RECORD',
    ]);
    expect(result['rows']).toEqual(result['names']);
    expect(result['bad']).toEqual([]);
    // Headers change, a continuation line and the body do not, nor does the Metadata-Version.
    expect(result['meta']).toBe(
      'Metadata-Version: 2.1\nName: new-name\nVersion: 2.0.0+local.1\nSummary: s\nLicense: line one\n        Name: not a header\n\nName: body text stays\n',
    );
    expect(result['sdist']).toBe('new_name-2.0.0+local.1.tar.gz');
    const top = 'new_name-2.0.0+local.1/';
    expect(result['egg']).toEqual(['Name: new-name', 'Version: 2.0.0+local.1']);
    expect(result['cfg']).toBe(
      '[metadata]\nname = new-name\nversion = 2.0.0+local.1\n\n[options]\nname = untouched\n',
    );
    expect(result['toml']).toBe(
      '[project]\nname = "new-name"\nversion = "2.0.0+local.1"\n\n[tool.other]\nname = "untouched"\n',
    );
    expect(result['link']).toBe('setup.cfg');
    expect(result['members']).toEqual(
      [
        'PKG-INFO',
        `${'d'.repeat(120)}/file.txt`,
        'link',
        'pyproject.toml',
        'setup.cfg',
        'src/old.Name.egg-info/PKG-INFO',
      ].map((path) => top + path),
    );
  });
});
