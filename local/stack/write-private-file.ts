import { chmod, writeFile } from 'node:fs/promises';

/** Writes a file that holds a secret, readable by its owner only (0600), also when it existed with wider modes. */
export async function writePrivateFile(path: string, contents: string): Promise<void> {
  await writeFile(path, contents, { mode: 0o600 });
  // `mode` applies only to a file writeFile creates.
  await chmod(path, 0o600);
}
