import type { Result } from '../contracts/result.js';
import type { DocumentStore } from '../ports/document-store.js';
import type { JobStatus } from '../status/job-status.js';
import { readDocument } from '../status/read-document.js';
import { updateDocument } from '../status/update-document.js';
import { createProvenanceStatement } from './create-provenance-statement.js';
import { digestObjectPath, provenanceObjectPath } from './provenance-paths.js';
import { DigestRecord, ProvenanceStatement } from './provenance-statement.js';
import { readBuildFacts, type BuildFacts } from './read-build-facts.js';

export type RecordResult = Result<{ path: string; written: boolean }>;

/**
 * Writes the provenance statement of a job that `build` published, and a record per file's sha256 that
 * leads back to it. Idempotent, so the redelivery of a notification repairs a write that failed: call it
 * whenever the job is published by this build, changed or not. A job in any other state is left alone.
 */
export async function recordProvenance(
  store: DocumentStore,
  job: JobStatus | undefined,
  /** The Build resource, or a `cloud-builds` notification's bytes (the Build as JSON). */
  build: unknown,
  /** Cloud Build's `builds.get`: the build phase that built what `build` published, for its source and steps. */
  readBuild?: (id: string) => Promise<unknown>,
): Promise<RecordResult> {
  const facts = readBuildFacts(build instanceof Uint8Array ? parseJson(build) : build);
  if (!facts) return { success: false, error: 'not a Build resource' };
  // Two builds: the publish phase's success publishes; an older single build did both.
  const publishedBy = job?.publishBuild?.id ?? job?.build?.id;
  if (!job || job.state !== 'published' || publishedBy !== facts.buildId)
    return { success: false, error: 'the job is not published by this build' };
  // A build whose outputs named no valid file has nothing to attest (its digests were refused).
  if (job.artifacts.length === 0) return { success: false, error: 'the job records no files' };
  const path = provenanceObjectPath(job);
  // A statement that already names this build stands: a redelivery need not read the build phase again.
  const stored = await readDocument(store, path, ProvenanceStatement);
  const kept = stored?.predicate.runDetails.metadata.invocationId === facts.buildId ? stored : undefined;
  const made = kept
    ? { success: true as const, data: { statement: kept, changed: false } }
    : await writeStatement(store, path, job, facts, readBuild);
  if (!made.success) return made;
  const { statement, changed } = made.data;
  for (const subject of statement.subject) {
    const record: DigestRecord = {
      schemaVersion: 1,
      sha256: subject.digest.sha256,
      filename: subject.name,
      repository: job.repository,
      tag: job.tag,
      statement: path,
    };
    // Kept when it already leads to this statement: two files of one job may have the same bytes.
    await updateDocument(store, digestObjectPath(record.sha256), DigestRecord, (current) =>
      current?.statement === path && current.tag === job.tag ? { keep: true } : { write: record },
    );
  }
  return { success: true, data: { path, written: changed } };
}

/** A new statement for `facts`, written unless a concurrent caller wrote one naming the same build. */
async function writeStatement(
  store: DocumentStore,
  path: string,
  job: JobStatus,
  facts: BuildFacts,
  readBuild: ((id: string) => Promise<unknown>) | undefined,
): Promise<Result<{ statement: ProvenanceStatement; changed: boolean }>> {
  // Two builds: the publish phase checks nothing out; where the files came from is the build phase's to say.
  const phase =
    job.publishBuild && job.build && readBuild ? await readBuildPhase(readBuild, job.build.id) : undefined;
  if (job.publishBuild && !phase)
    return {
      success: false,
      error: `the build phase ${job.build?.id ?? '(none recorded)'} could not be read`,
    };
  const statement = createProvenanceStatement(job, facts, phase);
  const { changed } = await updateDocument(store, path, ProvenanceStatement, (current) =>
    current?.predicate.runDetails.metadata.invocationId === facts.buildId
      ? { keep: true }
      : { write: statement },
  );
  return { success: true, data: { statement, changed } };
}

async function readBuildPhase(readBuild: (id: string) => Promise<unknown>, id: string) {
  const facts = readBuildFacts(await readBuild(id));
  return facts?.buildId === id ? facts : undefined;
}

function parseJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return undefined;
  }
}
