import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { protos } from '@google-cloud/cloudbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxKind } from '../../../local/cloudbuild/place-step-in-sandbox.js';
import {
  queuedBuildOf,
  startCloudBuildStack,
  statusName,
  type CloudBuildStack,
} from './start-cloud-build-stack.js';

const SECRET = `sandbox-secret-${randomBytes(8).toString('hex')}`;
const decode = (value: unknown): string =>
  typeof value === 'string'
    ? Buffer.from(value, 'base64').toString('utf8')
    : Buffer.from(value as Uint8Array).toString('utf8');

// A step that tries each path and writes what it found to $BUILDER_OUTPUT/output as JSON.
const probeStep = (
  kind: 'read' | 'write',
  paths: string[],
): protos.google.devtools.cloudbuild.v1.IBuildStep => ({
  id: `probe-${kind}`,
  name: 'python',
  entrypoint: '/usr/bin/python3',
  args: [
    '-c',
    [
      'import json, os, sys',
      'def try_it(path):',
      '    path = os.path.expandvars(path)',
      '    try:',
      kind === 'read'
        ? '        (os.listdir if os.path.isdir(path) else (lambda p: open(p).read()))(path)'
        : '        open(path, "w").write("pkgrelay was here")',
      '        return "ok"',
      '    except OSError as error:',
      '        return error.__class__.__name__',
      'found = {path: try_it(path) for path in sys.argv[1:]}',
      'open(os.path.join(os.environ["BUILDER_OUTPUT"], "output"), "w").write(json.dumps(found))',
    ].join('\n'),
    ...paths,
  ],
});

describe.each<SandboxKind>(['bwrap', 'none'])('Cloud Build stand-in, sandbox %s', (sandbox) => {
  const confined = sandbox === 'bwrap';
  let stack: CloudBuildStack;
  let other: string;

  const runSteps = async (
    steps: protos.google.devtools.cloudbuild.v1.IBuildStep[],
    extra: Partial<protos.google.devtools.cloudbuild.v1.IBuild> = {},
  ): Promise<{ id: string; outputs: string[] }> => {
    const [operation] = await stack.client.createBuild({
      projectId: stack.projectId,
      build: { steps, ...extra },
    });
    const id = queuedBuildOf(operation).id ?? '';
    const build = await stack.waitForBuild(id);
    const log = await (await fetch(`${stack.server.url}/logs/${id}`)).text();
    expect(statusName(build.status), log).toBe('SUCCESS');
    return { id, outputs: (build.results?.buildStepOutputs ?? []).map(decode) };
  };

  beforeAll(async () => {
    // Its workspace kept, as a running build's is, so a later build can be shown not to see it.
    stack = await startCloudBuildStack({ 'api-key': SECRET }, { sandbox, keepWorkspaces: true });
    // Another build, whose workspace a later build must not see.
    const first = await runSteps([{ name: 'bash', entrypoint: 'bash', args: ['-c', 'echo mine > marker'] }]);
    other = join(stack.dataDir, 'builds', first.id, 'workspace');
  });
  afterAll(() => stack?.stop());

  it(`${confined ? 'sees none' : 'sees all'} of the stack's data, secrets, other builds, /root and /work`, async () => {
    const hidden = [
      stack.dataDir,
      stack.secretsDir,
      join(stack.secretsDir, 'api-key'),
      other,
      join(other, 'marker'),
      stack.root,
      '/root',
      homedir(),
      '/work',
    ];
    const { outputs } = await runSteps([probeStep('read', hidden)]);
    const found = JSON.parse(outputs[0] ?? '{}') as Record<string, string>;
    for (const path of hidden)
      expect([path, found[path]]).toEqual([path, confined ? 'FileNotFoundError' : 'ok']);
  });

  it(`${confined ? 'cannot write' : 'writes'} outside /workspace, its home, its output and /tmp`, async () => {
    const marker = `pkgrelay-sandbox-${randomBytes(4).toString('hex')}`;
    // Unconfined, only the test's own folder is tried: a host process could write the rest too.
    const outside = (confined ? ['/usr', '/etc', '/', '/var', stack.root] : [stack.root]).map((dir) =>
      join(dir, marker),
    );
    // `$$` reaches the step as `$`: the probe expands HOME and BUILDER_OUTPUT as the step sees them.
    const inside = ['/tmp', '$$HOME', '$$BUILDER_OUTPUT', '.'].map((dir) => `${dir}/${marker}`);
    try {
      const { outputs } = await runSteps([probeStep('write', [...outside, ...inside])]);
      const found = JSON.parse(outputs[0] ?? '{}') as Record<string, string>;
      expect(inside.map((path) => found[path.replace('$$', '$')])).toEqual(inside.map(() => 'ok'));
      // bwrap's root and /var are its own read-only tmpfs, /usr and /etc the host's bound read-only.
      const refused = confined ? /^(OSError|FileNotFoundError)$/ : /^ok$/;
      for (const path of outside) expect([path, found[path]]).toEqual([path, expect.stringMatching(refused)]);
    } finally {
      await Promise.all([...outside, join('/tmp', marker)].map((path) => rm(path, { force: true })));
    }
  });

  it(`gives each step ${confined ? 'a fresh' : 'the host'} /tmp`, async () => {
    const marker = `/tmp/pkgrelay-sandbox-${randomBytes(4).toString('hex')}`;
    try {
      const { outputs } = await runSteps([
        { name: 'bash', entrypoint: 'bash', args: ['-c', `echo left > ${marker}`] },
        {
          name: 'bash',
          entrypoint: 'bash',
          args: ['-c', `(test -e ${marker} && echo seen || echo fresh) > "$$BUILDER_OUTPUT/output"`],
        },
      ]);
      expect(outputs[1]?.trim()).toBe(confined ? 'fresh' : 'seen');
    } finally {
      await rm(marker, { force: true });
    }
  });

  it('gives a secret only to the step that declares it', async () => {
    const secretFile = join(stack.secretsDir, 'api-key');
    const check = (declares: boolean): protos.google.devtools.cloudbuild.v1.IBuildStep => ({
      name: 'bash',
      entrypoint: 'bash',
      args: [
        '-c',
        `(test -n "$$API_KEY" && printf 'env=%s ' "$$API_KEY" || printf 'env=none '; cat ${secretFile} 2>/dev/null || printf 'file=hidden') > "$$BUILDER_OUTPUT/output"`,
      ],
      ...(declares ? { secretEnv: ['API_KEY'] } : {}),
    });
    const { outputs } = await runSteps([check(true), check(false)], {
      availableSecrets: {
        secretManager: [
          { versionName: `projects/${stack.projectId}/secrets/api-key/versions/1`, env: 'API_KEY' },
        ],
      },
    });
    const file = confined ? 'file=hidden' : SECRET;
    expect(outputs).toEqual([`env=${SECRET} ${file}`, `env=none ${file}`]);
  });

  it(`${confined ? 'sees only its own processes' : "sees the stand-in's processes"}`, async () => {
    // The stand-in is this very process; its pid means nothing in a sandbox's own pid namespace.
    const { outputs } = await runSteps([
      {
        name: 'bash',
        entrypoint: 'bash',
        args: [
          '-c',
          `(test -e /proc/${process.pid}/environ && echo seen || echo hidden; tr '\\0' ' ' < /proc/1/cmdline) > "$$BUILDER_OUTPUT/output"`,
        ],
      },
    ]);
    const [seen, init] = (outputs[0] ?? '').split('\n');
    expect(seen).toBe(confined ? 'hidden' : 'seen');
    // The sandbox's pid 1 is bwrap: its options, with the host paths it binds, came through fd 3.
    if (confined) expect(init).toMatch(/^\/usr\/bin\/bwrap --args 3 -- bash -c /);
    expect(init).not.toContain(stack.root);
  });
});

describe('Cloud Build stand-in, a step in a sandboxed workspace', () => {
  let stack: CloudBuildStack;
  let cacheDir: string;
  beforeAll(async () => {
    cacheDir = await mkdtemp(join(tmpdir(), 'pkgrelay-sandbox-cache-'));
    await mkdir(join(cacheDir, 'pip'));
    await writeFile(join(cacheDir, 'pip', 'cached'), 'from an earlier build\n');
    stack = await startCloudBuildStack({}, { sandbox: 'bwrap', cacheDir });
  });
  afterAll(async () => {
    await stack?.stop();
    await rm(cacheDir, { recursive: true, force: true });
  });

  it('finds the pip and uv caches at their variables, the workspace at /workspace, and HOME kept across steps', async () => {
    const [operation] = await stack.client.createBuild({
      projectId: stack.projectId,
      build: {
        steps: [
          { name: 'bash', entrypoint: 'bash', args: ['-c', 'echo kept > "$$HOME/note"'] },
          {
            name: 'bash',
            entrypoint: 'bash',
            dir: 'sub',
            args: [
              '-c',
              'echo "$$PWD $$HOME $$BUILDER_OUTPUT $$PIP_CACHE_DIR $$UV_CACHE_DIR $$(cat $$HOME/note) $$(cat $$PIP_CACHE_DIR/cached)" > "$$BUILDER_OUTPUT/output"',
            ],
          },
        ],
      },
    });
    const id = queuedBuildOf(operation).id ?? '';
    const build = await stack.waitForBuild(id);
    expect(statusName(build.status)).toBe('SUCCESS');
    expect(decode(build.results?.buildStepOutputs?.[1]).trim()).toBe(
      '/workspace/sub /builder/home /builder/outputs /builder/cache/pip /builder/cache/uv kept from an earlier build',
    );
  });
});
