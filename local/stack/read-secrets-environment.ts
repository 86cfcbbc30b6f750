import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { secretVariable } from '../../shared/config/notification-config.js';

/** Every secret of the stack's secrets folder as the variable Cloud Functions' --set-secrets would give it. */
export async function readSecretsEnvironment(secretsDir: string): Promise<Record<string, string>> {
  const names = await readdir(secretsDir).catch(() => []);
  const valid = names.filter((name) => /^[A-Za-z0-9_-]{1,255}$/.test(name));
  const entries = await Promise.all(
    valid.map(
      async (name) => [secretVariable(name), await readFile(join(secretsDir, name), 'utf8')] as const,
    ),
  );
  return Object.fromEntries(entries);
}
