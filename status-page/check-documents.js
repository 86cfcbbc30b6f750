// The status JSON as this page may trust it: anything else in a document (wrong types, unknown states,
// `constructor` or `__proto__` as values or keys) makes that document unreadable, never the whole page.

const States = new Set(['queued', 'building', 'published', 'skipped', 'failed']);

const isObject = (value) => typeof value === 'object' && value !== null && !Array.isArray(value);
const isString = (value) => typeof value === 'string';
const isCount = (value) => Number.isInteger(value) && value >= 0;
const isState = (value) => isString(value) && States.has(value);
// Where pkgrelay keeps a job (its tag URL-encoded): an index must not send the page anywhere else.
const isJobPath = (value) =>
  isString(value) && /^jobs\/[^/]+\/[^/]+\/[^/]+\.json$/.test(value) && !value.includes('..');
// Own properties only: a key such as `__proto__` or `constructor` never reaches the page through a prototype.
const own = (object, key) => (Object.hasOwn(object, key) ? object[key] : undefined);
const optional = (object, key, check) => own(object, key) === undefined || check(own(object, key));
const listOf = (value, check) => Array.isArray(value) && value.every(check);

function pick(object, keys) {
  const copy = {};
  for (const key of keys) if (own(object, key) !== undefined) copy[key] = own(object, key);
  return copy;
}

function isEntry(value) {
  return (
    isObject(value) &&
    isString(own(value, 'tag')) &&
    isState(own(value, 'state')) &&
    isCount(own(value, 'attempt')) &&
    isString(own(value, 'updatedAt')) &&
    isJobPath(own(value, 'path')) &&
    optional(value, 'version', isString) &&
    optional(value, 'buildId', isString) &&
    optional(value, 'distribution', isString) &&
    optional(value, 'warnings', isCount)
  );
}

const EntryKeys = [
  'tag',
  'version',
  'state',
  'attempt',
  'updatedAt',
  'buildId',
  'distribution',
  'warnings',
  'path',
];

/** A repository index as the page uses it, or an error saying why it is unreadable. */
export function checkIndex(value) {
  if (!isObject(value) || !Array.isArray(own(value, 'jobs')))
    return { success: false, error: 'its index is not a pkgrelay repository index' };
  const jobs = own(value, 'jobs');
  if (!jobs.every(isEntry)) return { success: false, error: 'its index lists a job it cannot read' };
  const repository = own(value, 'repository');
  return {
    success: true,
    data: {
      ...(isString(repository) ? { repository } : {}),
      jobs: jobs.map((entry) => ({ version: '', ...pick(entry, EntryKeys) })),
    },
  };
}

const isArtifact = (value) =>
  isObject(value) &&
  isString(own(value, 'filename')) &&
  isString(own(value, 'sha256')) &&
  isCount(own(value, 'size')) &&
  (own(value, 'kind') === 'sdist' || own(value, 'kind') === 'wheel') &&
  optional(value, 'uploaded', (flag) => typeof flag === 'boolean') &&
  optional(value, 'tags', (tags) => listOf(tags, isString));

const isWarning = (value) =>
  isObject(value) &&
  isString(own(value, 'code')) &&
  isString(own(value, 'message')) &&
  optional(value, 'file', isString);

const isStep = (value) =>
  isObject(value) &&
  isState(own(value, 'state')) &&
  isString(own(value, 'at')) &&
  isCount(own(value, 'attempt')) &&
  optional(value, 'note', isString);

const isBuild = (value) =>
  isObject(value) &&
  isString(own(value, 'id')) &&
  optional(value, 'logUrl', isString) &&
  optional(value, 'status', isString);

const isError = (value) =>
  isObject(value) &&
  isString(own(value, 'code')) &&
  isString(own(value, 'message')) &&
  optional(value, 'step', isString) &&
  optional(value, 'logTail', isString);

const isSource = (value) =>
  isObject(value) &&
  isString(own(value, 'kind')) &&
  optional(value, 'event', isString) &&
  optional(value, 'actor', isString) &&
  optional(value, 'deliveryId', isString);

/** A job status document as the page uses it (copied, known fields only), or undefined if it is unreadable. */
export function checkJob(value) {
  const readable =
    isObject(value) &&
    isState(own(value, 'state')) &&
    isCount(own(value, 'attempt')) &&
    isString(own(value, 'updatedAt')) &&
    listOf(own(value, 'history'), isStep) &&
    listOf(own(value, 'artifacts'), isArtifact) &&
    optional(value, 'version', isString) &&
    optional(value, 'distribution', isString) &&
    optional(value, 'reason', isString) &&
    optional(value, 'build', isBuild) &&
    optional(value, 'error', isError) &&
    optional(value, 'warnings', (list) => listOf(list, isWarning)) &&
    optional(value, 'source', isSource);
  if (!readable) return undefined;
  const copy = pick(value, ['version', 'distribution', 'state', 'attempt', 'updatedAt', 'reason']);
  copy.history = own(value, 'history').map((step) => pick(step, ['state', 'at', 'attempt', 'note']));
  copy.artifacts = own(value, 'artifacts').map((a) =>
    pick(a, ['filename', 'sha256', 'size', 'kind', 'uploaded', 'tags']),
  );
  if (own(value, 'build')) copy.build = pick(own(value, 'build'), ['id', 'logUrl', 'status']);
  if (own(value, 'error')) copy.error = pick(own(value, 'error'), ['code', 'message', 'step', 'logTail']);
  if (own(value, 'source')) copy.source = pick(own(value, 'source'), ['kind', 'event', 'actor']);
  if (own(value, 'warnings'))
    copy.warnings = own(value, 'warnings').map((w) => pick(w, ['code', 'message', 'file']));
  return copy;
}

/** A shields.io badge the page can draw, or undefined. */
export function checkBadge(value) {
  if (!isObject(value) || !isString(own(value, 'label')) || !isString(own(value, 'message')))
    return undefined;
  return pick(value, ['label', 'message', 'color']);
}

const isHex = (value) => isString(value) && /^[0-9a-f]{40,64}$/.test(value);
const isHttpUrl = (value) => isString(value) && /^https?:\/\/[^\s"'<>\\]+$/.test(value);

/** What the page shows of a provenance statement (commit, source, registry, build times), or undefined. */
export function checkProvenance(value) {
  const predicate = isObject(value) ? own(value, 'predicate') : undefined;
  const definition = isObject(predicate) ? own(predicate, 'buildDefinition') : undefined;
  const run = isObject(predicate) ? own(predicate, 'runDetails') : undefined;
  const parameters = isObject(definition) ? own(definition, 'externalParameters') : undefined;
  const dependencies = isObject(definition) ? own(definition, 'resolvedDependencies') : undefined;
  const source = Array.isArray(dependencies) && isObject(dependencies[0]) ? dependencies[0] : undefined;
  const digest = source && isObject(own(source, 'digest')) ? own(source, 'digest') : undefined;
  const metadata = isObject(run) && isObject(own(run, 'metadata')) ? own(run, 'metadata') : undefined;
  if (!isObject(parameters)) return undefined;
  const found = {
    commit: digest && own(digest, 'gitCommit'),
    source: own(parameters, 'source'),
    registry: own(parameters, 'registry'),
    startedOn: metadata && own(metadata, 'startedOn'),
    finishedOn: metadata && own(metadata, 'finishedOn'),
  };
  // Each value is kept only when it has the shape pkgrelay writes; the rest of the page never depends on them.
  return {
    ...(isHex(found.commit) ? { commit: found.commit } : {}),
    ...(isHttpUrl(found.source) ? { source: found.source } : {}),
    ...(isHttpUrl(found.registry) ? { registry: found.registry } : {}),
    ...(isString(found.startedOn) ? { startedOn: found.startedOn } : {}),
    ...(isString(found.finishedOn) ? { finishedOn: found.finishedOn } : {}),
  };
}
