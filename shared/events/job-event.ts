import { z } from 'zod';
import { JobState } from '../status/job-status.js';
import { ErrorCode } from '../errors.js';
import { UpstreamDrift, UpstreamSource } from '../status/upstream-source.js';

/** Which kind of news a job event carries. */
export const JobEventType = ['transition', 'drift'] as const;
export type JobEventType = (typeof JobEventType)[number];

/** One message on topic pkgrelay-job-events: a job moved to a state, or reconcile saw its tag drift upstream. */
export const JobEvent = z.object({
  schemaVersion: z.literal(1),
  id: z.string().describe('Stable across redeliveries and republishes: receivers may drop repeats by it'),
  type: z.enum(JobEventType),
  at: z.iso.datetime(),
  repository: z.string(),
  tag: z.string(),
  version: z.string(),
  package: z.string().optional(),
  distribution: z.string().optional(),
  attempt: z.number().int().positive(),
  state: z.enum(JobState).describe('The job state after the transition (drift: the state it is in)'),
  previousState: z.enum(JobState).optional().describe('Absent for a job seen for the first time'),
  note: z.string().optional(),
  reason: z.string().optional().describe('Why a job was skipped'),
  error: z.object({ code: z.enum(ErrorCode), message: z.string(), step: z.string().optional() }).optional(),
  build: z.object({ id: z.string(), logUrl: z.string().optional() }).optional(),
  artifacts: z.array(z.object({ filename: z.string(), sha256: z.string() })).optional(),
  upstream: UpstreamSource.optional(),
  drift: UpstreamDrift.optional(),
  statusPath: z.string().describe('Object path of the job status document in the status bucket'),
});
export type JobEvent = z.infer<typeof JobEvent>;
