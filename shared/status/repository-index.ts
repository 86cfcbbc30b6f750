import { z } from 'zod';
import { JobState, type JobStatus } from './job-status.js';
import { UpstreamDrift } from './upstream-source.js';

export const IndexEntry = z.object({
  tag: z.string(),
  version: z.string(),
  state: z.enum(JobState),
  attempt: z.number().int(),
  updatedAt: z.iso.datetime(),
  buildId: z.string().optional(),
  distribution: z.string().optional(),
  package: z.string().optional(),
  warnings: z.number().int().positive().optional().describe('How many warnings the job records, when any'),
  commit: z.string().optional().describe('The commit the tag pointed to when the job fetched it'),
  drift: UpstreamDrift.optional().describe(
    'The tag moved or vanished upstream after the build (both commits)',
  ),
  path: z.string().describe('Object path of the job status document'),
});
export type IndexEntry = z.infer<typeof IndexEntry>;

export const RepositoryIndex = z.object({
  schemaVersion: z.literal(1),
  repository: z.string(),
  updatedAt: z.iso.datetime(),
  jobs: z.array(IndexEntry),
});
export type RepositoryIndex = z.infer<typeof RepositoryIndex>;

/** shields.io's endpoint badge format. */
export const Badge = z.object({
  schemaVersion: z.literal(1),
  label: z.string(),
  message: z.string(),
  color: z.string(),
});
export type Badge = z.infer<typeof Badge>;

/** The index entry that a job's status document yields. */
export function indexEntryOf(job: JobStatus, path: string): IndexEntry {
  return {
    tag: job.tag,
    version: job.version,
    state: job.state,
    attempt: job.attempt,
    updatedAt: job.updatedAt,
    ...(job.build ? { buildId: job.build.id } : {}),
    ...(job.distribution ? { distribution: job.distribution } : {}),
    ...(job.package ? { package: job.package } : {}),
    ...(job.warnings?.length ? { warnings: job.warnings.length } : {}),
    ...(job.upstream ? { commit: job.upstream.commit } : {}),
    ...(job.drift ? { drift: job.drift } : {}),
    path,
  };
}
