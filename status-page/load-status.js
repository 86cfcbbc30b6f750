// Reads the public status JSON: the bucket listing finds the repositories, then each index, badge and job.
import { checkBadge, checkIndex, checkJob, checkProvenance } from './check-documents.js';

const IndexPath = /^repos\/[^/]+\/[^/]+\/index\.json$/;

/** Where to read from: the uploader writes the bucket into the page; otherwise `/<bucket>/index.html` names it. */
export function readPageConfig() {
  const meta = (name) => document.querySelector(`meta[name="${name}"]`)?.getAttribute('content') ?? '';
  const filled = (value) => (value && !value.startsWith('{{') ? value : '');
  const bucket = filled(meta('pkgrelay-bucket')) || decodeURIComponent(location.pathname.split('/')[1] ?? '');
  const apiBase = filled(meta('pkgrelay-api-base')) || `${location.origin}/storage/v1`;
  // Optional: without it, each version's index is the registry its provenance names.
  const indexUrl = filled(meta('pkgrelay-index-url'));
  // The page sits at the bucket's root, so the objects are relative to it.
  const objectsBase = new URL('.', location.href).href;
  return { bucket, apiBase: apiBase.replace(/\/$/, ''), objectsBase, indexUrl };
}

/** The public URL of an object; names are encoded per segment, so a `%2F` inside a tag stays part of the name. */
export function objectUrl(config, path) {
  return new URL(path.split('/').map(encodeURIComponent).join('/'), config.objectsBase).href;
}

// A document that is there but is not what pkgrelay writes; an unreachable bucket is another error.
class UnreadableDocument extends Error {}

async function fetchJson(url) {
  // no-cache: revalidate every time, so a poll never sees a copy older than the bucket's.
  const response = await fetch(url, { cache: 'no-cache', headers: { accept: 'application/json' } });
  if (response.status === 404) return undefined;
  if (!response.ok) throw new Error(`${response.status} ${response.statusText} from ${url}`);
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new UnreadableDocument(`${new URL(url).pathname} is not JSON`);
  }
}

/** Every `repos/<owner>/<name>/index.json` in the bucket, through the JSON API's object list. */
export async function listRepositoryIndexes(config) {
  return (await listObjectNames(config, 'repos/')).filter((name) => IndexPath.test(name)).sort();
}

/** The names of the objects under `prefix`, through the JSON API's object list. */
export async function listObjectNames(config, prefix) {
  const names = [];
  let pageToken;
  do {
    const url = new URL(`${config.apiBase}/b/${encodeURIComponent(config.bucket)}/o`);
    url.searchParams.set('prefix', prefix);
    url.searchParams.set('fields', 'items(name),nextPageToken');
    if (pageToken) url.searchParams.set('pageToken', pageToken);
    const page = await fetchJson(url.href);
    if (!page) throw new Error(`The bucket ${config.bucket} was not found, or it does not allow listing.`);
    for (const item of page.items ?? []) names.push(item.name);
    pageToken = page.nextPageToken;
  } while (pageToken);
  return names;
}

// A published job's provenance sits at its path under provenance/; jobs published before pkgrelay wrote
// statements have none, so the repository's statements are listed once and only those are fetched.
function provenanceReader(config, indexPath) {
  let names;
  return async (jobPath) => {
    const path = jobPath.replace(/^jobs\//, 'provenance/');
    names ??= listObjectNames(config, `provenance/${indexPath.split('/').slice(1, 3).join('/')}/`)
      .then((list) => new Set(list))
      .catch(() => new Set());
    if (!(await names).has(path)) return undefined;
    return checkProvenance(await fetchJson(objectUrl(config, path)).catch(() => undefined));
  };
}

/**
 * Loads each repository's index and badge, and the status document of every job whose index entry changed
 * since `cache` last saw it (keyed by path), so a poll re-reads only what moved. A document the page cannot
 * read makes only its own repository or job unreadable (`problem`, `unreadable`), never the whole page.
 */
export async function loadRepositories(config, cache) {
  const indexPaths = await listRepositoryIndexes(config);
  return Promise.all(
    indexPaths.map(async (indexPath) => {
      const fallback = indexPath.split('/').slice(1, 3).join('/');
      try {
        return await loadRepository(config, cache, indexPath, fallback);
      } catch (error) {
        if (!(error instanceof UnreadableDocument)) throw error;
        return { repository: fallback, indexPath, badge: undefined, jobs: [], problem: error.message };
      }
    }),
  );
}

async function loadRepository(config, cache, indexPath, fallback) {
  const badgePath = indexPath.replace(/index\.json$/, 'badge.json');
  const checked = checkIndex(await fetchJson(objectUrl(config, indexPath)));
  if (!checked.success) throw new UnreadableDocument(`${indexPath}: ${checked.error}`);
  const entries = checked.data.jobs;
  // The badge exists once a version is published; asking earlier would only log a 404.
  const badge = entries.some((entry) => entry.state === 'published')
    ? await fetchJson(objectUrl(config, badgePath)).catch(() => undefined)
    : undefined;
  const readProvenance = provenanceReader(config, indexPath);
  const jobs = await Promise.all(
    entries.map(async (entry) => {
      const key = `${entry.state}|${entry.attempt}|${entry.updatedAt}`;
      const cached = cache.get(entry.path);
      if (cached?.key === key) return { entry, ...cached.item };
      const raw = await fetchJson(objectUrl(config, entry.path)).catch((error) => {
        if (error instanceof UnreadableDocument) return null;
        throw error;
      });
      const job = raw === undefined ? undefined : checkJob(raw);
      const unreadable = raw !== undefined && job === undefined;
      // Its commit and registry, for the install snippets.
      const provenance = job?.state === 'published' ? await readProvenance(entry.path) : undefined;
      const registry = provenance?.registry;
      const indexUrl = config.indexUrl || (registry ? `${registry.replace(/\/?$/, '/')}simple/` : undefined);
      const item = { job, unreadable, provenance, indexUrl };
      cache.set(entry.path, { key, item });
      return { entry, ...item };
    }),
  );
  return { repository: checked.data.repository ?? fallback, indexPath, badge: checkBadge(badge), jobs };
}
