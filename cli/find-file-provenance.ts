import type { Bucket } from '@google-cloud/storage';
import { digestObjectPath } from '../shared/provenance/provenance-paths.js';
import { DigestRecord, ProvenanceStatement } from '../shared/provenance/provenance-statement.js';
import { parseDistributionFilename } from '../shared/registry/parse-distribution-filename.js';
import { isValidVersion, normalizeVersion } from '../shared/registry/normalize-version.js';
import type { Artifact, JobStatus } from '../shared/status/job-status.js';
import { RepositoryIndex } from '../shared/status/repository-index.js';
import { CliError, ExitCode } from './exit-codes.js';
import { readJobStatus, readJson } from './read-status.js';

export type FileProvenance =
  | { kind: 'built'; record: DigestRecord; statement: ProvenanceStatement }
  /** Named like a file pkgrelay published, with other bytes: rebuilt locally, modified, or from elsewhere. */
  | { kind: 'lookalike'; job: JobStatus; artifact: Artifact }
  | { kind: 'unknown' };

/**
 * Finds the provenance of a file by its sha256 (so a file from pip's cache, named by a hash, is found
 * too); a file pkgrelay does not know by digest is looked up by its name and version among the jobs.
 * A digest record whose statement is missing or does not list the digest is an inconsistent record.
 */
export async function findFileProvenance(
  bucket: Bucket,
  filename: string,
  sha256: string,
): Promise<FileProvenance> {
  const record = await readJson(bucket, digestObjectPath(sha256), DigestRecord);
  if (record) {
    const statement = await readJson(bucket, record.statement, ProvenanceStatement);
    if (!statement?.subject.some((subject) => subject.digest.sha256 === sha256))
      throw new CliError(
        `${digestObjectPath(sha256)} names ${record.statement}, which ${statement ? 'does not list this sha256' : 'is missing'}: the record is inconsistent`,
        ExitCode.failed,
      );
    return { kind: 'built', record, statement };
  }
  const lookalike = await findByName(bucket, filename);
  return lookalike ? { kind: 'lookalike', ...lookalike } : { kind: 'unknown' };
}

async function findByName(
  bucket: Bucket,
  filename: string,
): Promise<{ job: JobStatus; artifact: Artifact } | undefined> {
  const parsed = parseDistributionFilename(filename);
  if (!parsed || !isValidVersion(parsed.version)) return undefined;
  const version = normalizeVersion(parsed.version);
  const [files] = await bucket.getFiles({ prefix: 'repos/', autoPaginate: true });
  for (const file of files.filter((candidate) => candidate.name.endsWith('/index.json'))) {
    const index = await readJson(bucket, file.name, RepositoryIndex).catch(() => undefined);
    for (const entry of index?.jobs ?? []) {
      if (!isValidVersion(entry.version) || normalizeVersion(entry.version) !== version) continue;
      const job = await readJobStatus(bucket, { repository: index?.repository ?? '', tag: entry.tag });
      const artifact = job?.artifacts.find((candidate) => candidate.filename === filename);
      if (job && artifact) return { job, artifact };
    }
  }
  return undefined;
}
