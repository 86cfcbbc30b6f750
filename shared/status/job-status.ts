import { z } from 'zod';
import { ErrorCode } from '../errors.js';
import { RequestSource } from '../contracts/release-request.js';
import { UpstreamDrift, UpstreamSource } from './upstream-source.js';

export const JobState = ['queued', 'building', 'published', 'skipped', 'failed'] as const;
export type JobState = (typeof JobState)[number];
export const FinalState = ['published', 'skipped', 'failed'] as const;

export const Artifact = z.object({
  filename: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  size: z.number().int().nonnegative(),
  kind: z.enum(['sdist', 'wheel']),
  /** False when the registry already held this file and the upload skipped it. */
  uploaded: z.boolean(),
  builtSha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional()
    .describe(
      "This build's digest of the file, when the registry holds another one (sha256): not this build's",
    ),
  tags: z
    .array(z.string())
    .optional()
    .describe("A wheel's tags, interpreter-abi-platform, e.g. cp311-cp311-manylinux_2_17_x86_64"),
});
export type Artifact = z.infer<typeof Artifact>;

/** Bounds of what a build may say in warnings, so a hostile build cannot grow the record. */
export const WarningLimits = { count: 20, message: 1000, file: 255 } as const;

export const JobWarning = z.object({
  code: z
    .string()
    .regex(/^[A-Z][A-Z0-9_]{0,63}$/)
    .describe(
      'What the build noticed, e.g. LONG_DESCRIPTION_MISSING, LONG_DESCRIPTION_CONTENT_TYPE_MISSING, LONG_DESCRIPTION_INVALID; more may come',
    ),
  message: z.string().max(WarningLimits.message).describe('What is wrong and how to fix it'),
  file: z.string().max(WarningLimits.file).optional().describe('The distribution file it is about'),
});
export type JobWarning = z.infer<typeof JobWarning>;

const BuildRecord = z.object({
  id: z.string(),
  logUrl: z.string().optional(),
  status: z.string().optional(),
});

export const JobStatus = z.object({
  schemaVersion: z
    .union([z.literal(1), z.literal(2)])
    .describe('2 once the job has a publishBuild; a reader of version 1 documents reads both'),
  repository: z.string(),
  tag: z.string(),
  version: z.string().describe('PEP 440 version taken from the tag'),
  distribution: z.string().optional().describe('Name published under, when configured'),
  package: z
    .string()
    .optional()
    .describe('The package of a repository that lists several ("packages" in the repositories file)'),
  state: z.enum(JobState),
  attempt: z
    .number()
    .int()
    .positive()
    .describe('Runs of this job: 1, and one more for each forced run; a taken-over run keeps its number'),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  source: z
    .object({
      kind: z.enum(RequestSource),
      deliveryId: z.string().optional(),
      event: z.string().optional(),
      actor: z.string().optional().describe('Who or what started a manual or reconcile job, when it said'),
    })
    .optional(),
  claimedBy: z
    .string()
    .optional()
    .describe(
      'Pub/Sub message id of the request that started this attempt: its redeliveries never start another',
    ),
  lease: z
    .object({ holder: z.string(), expiresAt: z.iso.datetime() })
    .optional()
    .describe(
      'Held by the worker that claimed the job until it records a build, then by whoever starts its publish phase until it records that',
    ),
  build: BuildRecord.optional().describe(
    'The build that fetched and built the tag, where upstream code ran, as an account that cannot publish',
  ),
  publishBuild: BuildRecord.optional().describe(
    'The build that verified, checked and uploaded what `build` made, as the publisher account',
  ),
  artifacts: z.array(Artifact),
  reason: z.string().optional().describe('Why a job was skipped'),
  warnings: z
    .array(JobWarning)
    .max(WarningLimits.count)
    .optional()
    .describe('What the build reported without failing (the check step), absent when nothing'),
  error: z
    .object({
      code: z.enum(ErrorCode),
      message: z.string(),
      step: z.string().optional(),
      logTail: z.string().optional(),
    })
    .optional(),
  upstream: UpstreamSource.optional().describe('What the tag pointed to when this attempt fetched it'),
  drift: UpstreamDrift.optional().describe('Reconcile saw the tag move or vanish upstream after this build'),
  replaces: z
    .object({
      attempt: z.number().int().positive(),
      state: z.enum(JobState),
      commit: z.string().optional(),
      publishedFrom: z
        .string()
        .optional()
        .describe('The commit the version was published (or found) from by an earlier attempt'),
      drift: UpstreamDrift.optional(),
    })
    .optional()
    .describe('The attempt a forced run replaces, with the commit that attempt was built from'),
  existingFiles: z
    .array(
      z.object({
        filename: z.string(),
        sha256: z.string(),
        publishedBy: z.enum(['pkgrelay', 'outside']),
        tag: z.string().optional().describe('The job that published it, when pkgrelay did'),
      }),
    )
    .optional()
    .describe('Files of this version the registry held before any build ran, told apart by their sha256'),
  history: z.array(
    z.object({
      state: z.enum(JobState),
      at: z.iso.datetime(),
      attempt: z.number().int(),
      note: z.string().optional(),
    }),
  ),
});
export type JobStatus = z.infer<typeof JobStatus>;

/** Whether a state is one a job ends in. */
export function isFinal(state: JobState): boolean {
  return (FinalState as readonly string[]).includes(state);
}
