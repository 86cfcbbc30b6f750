import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SecretManagerSecret } from './build-types.js';

export type SecretsResult = { success: true; data: Map<string, string> } | { success: false; error: string };

/** Reads each `projects/P/secrets/NAME/versions/V` from `secretsDir/NAME`, keyed by its env name. */
export async function resolveSecrets(
  secrets: readonly SecretManagerSecret[],
  secretsDir: string | undefined,
): Promise<SecretsResult> {
  const values = new Map<string, string>();
  for (const { versionName, env } of secrets) {
    const name = /^projects\/[^/]+\/secrets\/([A-Za-z0-9_-]+)\/versions\/[^/]+$/.exec(versionName)?.[1];
    if (!name || !secretsDir) {
      return {
        success: false,
        error: `failed to access secret version for secret ${versionName}: no secrets folder is configured`,
      };
    }
    try {
      values.set(env, await readFile(join(secretsDir, name), 'utf8'));
    } catch (error) {
      const reason =
        (error as NodeJS.ErrnoException).code === 'ENOENT'
          ? `${join(secretsDir, name)} does not exist`
          : String(error);
      return {
        success: false,
        error: `failed to access secret version for secret ${versionName}: ${reason}`,
      };
    }
  }
  return { success: true, data: values };
}
