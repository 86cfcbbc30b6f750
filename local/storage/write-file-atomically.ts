import { randomUUID } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** Writes `contents` to a temp file beside `path`, flushes it, then renames it over `path`, so readers see the old or the new file, never half of one. */
export async function writeFileAtomically(path: string, contents: string | Uint8Array): Promise<void> {
  const temp = join(dirname(path), `.tmp-${randomUUID()}`);
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(contents);
    await handle.datasync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
