import { readdir, readFile, lstat } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import type { BuildStorage } from './open-build-storage.js';

export interface ArtifactUpload {
  /** `results.artifactManifest`: the JSON-lines manifest Cloud Build writes beside the files. */
  manifest: string;
  count: number;
}

/**
 * `artifacts.objects`: after every step succeeded, uploads each workspace file matching a path glob
 * to `location` + its base name, then a manifest `artifacts-BUILD_ID.json` with one line per file.
 */
export async function uploadArtifactObjects(
  storage: BuildStorage,
  objects: { location: string; paths: readonly string[] },
  workspace: string,
  buildId: string,
): Promise<ArtifactUpload> {
  const match = /^gs:\/\/([^/]+)\/?(.*)$/.exec(objects.location);
  if (!match) throw new Error(`artifacts.objects.location "${objects.location}" is not a gs:// location`);
  const bucket = match[1] ?? '';
  const prefix =
    (match[2] ?? '') === '' || (match[2] ?? '').endsWith('/') ? (match[2] ?? '') : `${match[2]}/`;
  const patterns = objects.paths.map(globToRegExp);
  const lines: string[] = [];
  for (const path of await listFiles(workspace)) {
    const name = relative(workspace, path);
    if (!patterns.some((pattern) => pattern.test(name))) continue;
    const object = `${prefix}${basename(name)}`;
    const stored = await storage.upload(bucket, object, await readFile(path));
    lines.push(
      JSON.stringify({
        location: `gs://${bucket}/${object}#${stored.generation}`,
        file_hash: [{ file_hash: [{ type: 'MD5', value: stored.md5Hash }] }],
      }),
    );
  }
  if (lines.length === 0)
    throw new Error(
      `no files in the workspace match artifacts.objects.paths ${JSON.stringify(objects.paths)}`,
    );
  const manifest = `${prefix}artifacts-${buildId}.json`;
  await storage.upload(bucket, manifest, Buffer.from(`${lines.join('\n')}\n`));
  return { manifest: `gs://${bucket}/${manifest}`, count: lines.length };
}

// Regular files only, never through a symlink: a step must not upload what lies outside the workspace.
async function listFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await listFiles(path)));
    else if (entry.isFile() && (await lstat(path)).isFile()) found.push(path);
  }
  return found;
}

// Go's filepath.Match, which Cloud Build uses: `*` and `?` stay within one path segment.
function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/^\.?\//, '')
    .split('')
    .map((c) => (c === '*' ? '[^/]*' : c === '?' ? '[^/]' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`);
}
