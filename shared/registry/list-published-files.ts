import { normalizeName } from './normalize-name.js';
import { normalizeVersion } from './normalize-version.js';
import { parseDistributionFilename } from './parse-distribution-filename.js';
import { parseSimpleProjectFiles, SIMPLE_JSON_TYPE, type ListedFile } from './parse-simple-project-page.js';

export { normalizeName } from './normalize-name.js';

// JSON first; HTML as a fallback for indexes that only speak PEP 503.
const ACCEPT = `${SIMPLE_JSON_TYPE}, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01`;

/**
 * The filenames of project `name` at version `version` (wheels and sdists, names compared PEP 503-
 * normalized and versions PEP 440-normalized) that the Python repository at `repositoryUrl`
 * (its base, e.g. `https://REGION-python.pkg.dev/PROJECT/REPO/`) holds, read from its simple API.
 * Empty when the repository does not know the project; throws when the repository cannot be read.
 */
export async function listPublishedFiles(
  repositoryUrl: string,
  name: string,
  version: string,
  fetchImpl: typeof fetch = fetch,
  headers?: Record<string, string>,
): Promise<string[]> {
  return (await listPublishedFileDigests(repositoryUrl, name, version, fetchImpl, headers)).map(
    (file) => file.filename,
  );
}

/** listPublishedFiles with the sha256 the index states for each file. */
export async function listPublishedFileDigests(
  repositoryUrl: string,
  name: string,
  version: string,
  fetchImpl: typeof fetch = fetch,
  headers?: Record<string, string>,
): Promise<ListedFile[]> {
  const base = repositoryUrl.endsWith('/') ? repositoryUrl : `${repositoryUrl}/`;
  const wantedName = normalizeName(name);
  const wantedVersion = normalizeVersion(version);
  const url = new URL(`simple/${encodeURIComponent(wantedName)}/`, base);
  let response: Response;
  try {
    response = await fetchImpl(url, { headers: { Accept: ACCEPT, ...headers } });
  } catch (error) {
    throw new Error(`Unable to list the files of "${name}" at ${url}. Reason: ${describe(error)}`, {
      cause: error,
    });
  }
  if (response.status === 404) return [];
  const body = await response.text();
  if (!response.ok) {
    throw new Error(
      `Unable to list the files of "${name}" at ${url}. Reason: HTTP ${response.status} ${body.slice(0, 200)}`,
    );
  }
  const files = parseSimpleProjectFiles(body, response.headers.get('content-type') ?? '');
  if (!files) {
    throw new Error(
      `Unable to list the files of "${name}" at ${url}. Reason: the answer is not a simple-API page.`,
    );
  }
  return files.filter(({ filename }) => {
    const parsed = parseDistributionFilename(filename);
    return (
      parsed !== undefined &&
      normalizeName(parsed.name) === wantedName &&
      normalizeVersion(parsed.version) === wantedVersion
    );
  });
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
