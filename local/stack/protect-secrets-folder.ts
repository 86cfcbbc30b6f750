import { chmod, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** The local stand-in of Secret Manager: a folder only its owner can list (0700), each secret in it 0600. */
export async function protectSecretsFolder(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const entries = await readdir(dir, { withFileTypes: true });
  await Promise.all(
    entries.filter((entry) => entry.isFile()).map((entry) => chmod(join(dir, entry.name), 0o600)),
  );
}
