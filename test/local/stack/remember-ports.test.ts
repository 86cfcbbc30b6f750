import { mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EPHEMERAL_PORTS } from '../../../local/stack/read-ports.js';
import { choosePortsAgain } from '../../../local/stack/remember-ports.js';
import { startStack } from '../../../local/stack/start-stack.js';

const portOf = (url: string): number => Number(new URL(url).port);

describe('a stack started again on free ports (npm start --ephemeral-ports)', () => {
  it('takes its last ports where still free, so a build log URL it recorded still answers', async () => {
    const root = await mkdtemp(join(tmpdir(), 'pkgrelay-ports-'));
    const first = await startStack({ rootDir: root, ports: EPHEMERAL_PORTS, functions: [] });
    let logUrl = '';
    try {
      const { host } = first.info.cloudbuild;
      const builds = `${host}/v1/projects/${first.info.projectId}/builds`;
      const created = (await (
        await fetch(builds, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            steps: [{ name: 'ubuntu', entrypoint: 'echo', args: ['from the first stack'] }],
          }),
        })
      ).json()) as { metadata: { build: { id: string; logUrl: string } } };
      logUrl = created.metadata.build.logUrl;
      expect(logUrl.startsWith(`${host}/`)).toBe(true);
      await expect
        .poll(
          async () =>
            ((await (await fetch(`${builds}/${created.metadata.build.id}`)).json()) as { status: string })
              .status,
          { timeout: 60_000 },
        )
        .toBe('SUCCESS');
    } finally {
      await first.stop();
    }

    // Something else took the storage stand-in's port meanwhile: that one must move, the rest stay.
    const squatter = createServer();
    await new Promise<void>((resolve) =>
      squatter.listen(portOf(first.info.storage.host), '127.0.0.1', resolve),
    );
    try {
      const ports = await choosePortsAgain(root);
      expect(ports.cloudbuild).toBe(portOf(first.info.cloudbuild.host));
      expect(ports.registry).toBe(portOf(first.info.registry.url));
      expect(ports.storage).toBe(0);
      const second = await startStack({ rootDir: root, ports, functions: [] });
      try {
        expect(second.info.cloudbuild.host).toBe(first.info.cloudbuild.host);
        expect(second.info.storage.host).not.toBe(first.info.storage.host);
        const log = await fetch(logUrl);
        expect(log.status).toBe(200);
        expect(await log.text()).toContain('from the first stack');
      } finally {
        await second.stop();
      }
    } finally {
      squatter.close();
    }
  }, 300_000);

  it('picks fresh ports for a root that never ran a stack', async () => {
    const root = await mkdtemp(join(tmpdir(), 'pkgrelay-ports-'));
    expect(await choosePortsAgain(root)).toEqual(EPHEMERAL_PORTS);
  });
});
