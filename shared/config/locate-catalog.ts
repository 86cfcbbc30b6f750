import { ConfigError } from '../errors.js';
import type { RepositoryConfig } from './repository-config.js';

/**
 * Where the served repositories live: a file, read once at cold start and fixed until a redeploy, or a
 * Cloud Storage object that the functions read at run time, so an edit is served without one.
 */
export type CatalogLocation =
  | { kind: 'file'; path: string; repositories: readonly RepositoryConfig[] }
  | { kind: 'gcs'; url: string; bucket: string; object: string };

// Cloud Storage bucket names: 3 to 63 of lowercase letters, digits, "-", "_" and ".", starting and ending alphanumeric.
const GS_URL = /^gs:\/\/([a-z0-9][a-z0-9._-]{1,61}[a-z0-9])\/(.+)$/;

/** Reads PKGRELAY_CONFIG: a `gs://bucket/object` URL, or a path whose file `readFile` reads and checks now. */
export function locateCatalog(
  value: string,
  readFile: (path: string) => readonly RepositoryConfig[],
): CatalogLocation {
  if (!value.startsWith('gs://')) return { kind: 'file', path: value, repositories: readFile(value) };
  const match = GS_URL.exec(value);
  if (!match?.[1] || !match[2] || match[2].endsWith('/')) {
    throw new ConfigError('the environment', [
      `PKGRELAY_CONFIG: "${value}" is not a gs://bucket/object URL (an object, not a folder)`,
    ]);
  }
  return { kind: 'gcs', url: value, bucket: match[1], object: match[2] };
}
