import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readRepositories } from '../../shared/config/load-config.js';
import { writePrivateFile } from './write-private-file.js';

/**
 * The token of each private repository of the configuration, from the secrets folder (`tokenSecret`),
 * made up and written there when absent: the stack's git server asks for it as GitHub would.
 */
export async function readUpstreamTokens(
  configPath: string,
  secretsDir: string,
): Promise<Record<string, string>> {
  const tokens: Record<string, string> = {};
  for (const repo of readRepositories(configPath)) {
    if (!repo.private || !repo.tokenSecret) continue;
    const path = join(secretsDir, repo.tokenSecret);
    let token = (await readFile(path, 'utf8').catch(() => '')).replace(/\r?\n$/, '');
    if (!token) {
      token = `local_${randomBytes(18).toString('hex')}`;
      await writePrivateFile(path, token);
    }
    tokens[repo.repository] = token;
  }
  return tokens;
}
