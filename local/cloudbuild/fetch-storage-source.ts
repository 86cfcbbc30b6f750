import { spawn } from 'node:child_process';
import type { BuildStorage } from './open-build-storage.js';

export type SourceResult =
  | { success: true; data: { bucket: string; object: string; generation: string } }
  | { success: false; error: string };

/**
 * `source.storageSource`: downloads the .tar.gz object and unpacks it into the workspace, as Cloud
 * Build's FETCHSOURCE does (GNU tar drops leading `/` and refuses `..` members).
 */
export async function fetchStorageSource(
  storage: BuildStorage,
  source: { bucket: string; object: string },
  workspace: string,
): Promise<SourceResult> {
  let fetched: { data: Buffer; generation: string };
  try {
    fetched = await storage.download(source.bucket, source.object);
  } catch (error) {
    const code = (error as { code?: number }).code;
    const why = code === 404 ? 'object not found' : String((error as Error).message ?? error);
    return { success: false, error: `failed to fetch source gs://${source.bucket}/${source.object}: ${why}` };
  }
  const unpacked = await untar(fetched.data, workspace);
  if (unpacked)
    return { success: false, error: `failed to unpack gs://${source.bucket}/${source.object}: ${unpacked}` };
  return { success: true, data: { ...source, generation: fetched.generation } };
}

function untar(data: Buffer, into: string): Promise<string> {
  return new Promise((resolve) => {
    const tar = spawn('tar', ['-xzf', '-', '-C', into, '--no-same-owner'], {
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    let stderr = '';
    tar.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    tar.on('error', (error) => resolve(error.message));
    tar.on('close', (code) => resolve(code === 0 ? '' : stderr.trim() || `tar exited with ${code}`));
    tar.stdin.on('error', () => {});
    tar.stdin.end(data);
  });
}
