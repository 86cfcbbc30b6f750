import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretManagerTokens } from '../../../shared/adapters/create-secret-manager-tokens.js';
import {
  startSecretManagerServer,
  type SecretManagerServer,
} from '../../../local/secretmanager/start-secret-manager-server.js';

describe('the Secret Manager stand-in, through @google-cloud/secret-manager', () => {
  let server: SecretManagerServer;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pkgrelay-secrets-'));
    await writeFile(join(dir, 'vendor-token'), 'ghp_example\n');
    await writeFile(join(dir, 'binary'), Buffer.from([0, 255, 10, 13]));
    server = await startSecretManagerServer({ secretsDir: dir });
  });
  afterAll(async () => server?.close());

  it('answers versions/latest:access with the payload and its CRC32C, which the adapter checks', async () => {
    const tokens = createSecretManagerTokens({ projectId: 'p', endpoint: server.url });
    expect(await tokens.read('vendor-token')).toBe('ghp_example');
    expect(server.accessed).toEqual(['projects/p/secrets/vendor-token/versions/latest']);
    const raw = await fetch(`${server.url}/v1/projects/p/secrets/binary/versions/1:access`);
    expect(await raw.json()).toEqual({
      name: 'projects/p/secrets/binary/versions/1',
      // CRC32C (Castagnoli) of 00 ff 0a 0d, as Secret Manager sends int64: a decimal string.
      payload: { data: 'AP8KDQ==', dataCrc32c: '3692814314' },
    });
  });

  it('answers a missing secret NOT_FOUND, which the adapter names in a sentence', async () => {
    const tokens = createSecretManagerTokens({ projectId: 'p', endpoint: server.url });
    await expect(tokens.read('absent')).rejects.toThrow(
      'Secret Manager did not give projects/p/secrets/absent/versions/latest: Secret [projects/p/secrets/absent] not found or has no versions.',
    );
  });
});
