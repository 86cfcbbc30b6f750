import { z } from 'zod';
import { JobSubstitution, type BuildPhase, type StepId } from './create-build-plan.js';
import { ErrorCode } from '../errors.js';
import { Artifact, type JobWarning } from '../status/job-status.js';
import { stripTerminalControls } from '../text/strip-terminal-controls.js';
import { decodeStepOutput } from './decode-step-output.js';
import { readStepWarnings } from './read-step-warnings.js';
import { readFetchedSource } from './read-fetched-source.js';
import type { UpstreamSource } from '../status/upstream-source.js';

/** The statuses a build ends in: nothing changes it after one of these. */
export const FinalBuildStatus = [
  'SUCCESS',
  'FAILURE',
  'INTERNAL_ERROR',
  'TIMEOUT',
  'CANCELLED',
  'EXPIRED',
] as const;

// The API's order: the statuses of a build not yet ended, then the final ones.
export const BuildStatus = ['STATUS_UNKNOWN', 'PENDING', 'QUEUED', 'WORKING', ...FinalBuildStatus] as const;
export type BuildStatus = (typeof BuildStatus)[number];

/** Whether a build has ended (a job's state has its own `isFinal`). */
export function isFinalBuildStatus(status: BuildStatus | string): boolean {
  return (FinalBuildStatus as readonly string[]).includes(status);
}

// The API numbers its enum in this order, apart from PENDING (10); REST JSON may carry either form.
const BY_NUMBER: Record<number, BuildStatus> = {
  0: 'STATUS_UNKNOWN',
  10: 'PENDING',
  1: 'QUEUED',
  2: 'WORKING',
  3: 'SUCCESS',
  4: 'FAILURE',
  5: 'INTERNAL_ERROR',
  6: 'TIMEOUT',
  7: 'CANCELLED',
  9: 'EXPIRED',
};

// Text a build wrote (its tools colour their output) reaches the record and terminals only cleaned.
const BuildText = z.string().transform(stripTerminalControls);

const Status = z.union([z.enum(BuildStatus), z.number().transform((n) => BY_NUMBER[n] ?? 'STATUS_UNKNOWN')]);

const Build = z.object({
  id: z.string(),
  status: Status,
  logUrl: z.string().nullish(),
  substitutions: z.record(z.string(), z.string()).nullish(),
  tags: z.array(z.string()).nullish(),
  serviceAccount: z.string().nullish(),
  artifacts: z.object({ objects: z.object({ location: z.string().nullish() }).nullish() }).nullish(),
  steps: z.array(z.object({ id: z.string().nullish(), status: Status.nullish() })).nullish(),
  // REST JSON carries outputs as base64; the client library hands over bytes.
  results: z
    .object({
      buildStepOutputs: z.array(z.union([z.string(), z.instanceof(Uint8Array)]).nullable()).nullish(),
    })
    .nullish(),
  failureInfo: z.object({ detail: BuildText.nullish() }).nullish(),
  statusDetail: BuildText.nullish(),
  createTime: z.union([z.string(), z.object({ seconds: z.union([z.string(), z.number()]) })]).nullish(),
  timeout: z.union([z.string(), z.object({ seconds: z.union([z.string(), z.number()]) })]).nullish(),
});

const StepError = z.object({ code: z.enum(ErrorCode), message: BuildText, logTail: BuildText.optional() });
// The job schema itself: what a build reports is held to what the record may hold.
const Artifacts = z.array(Artifact);

export interface BuildNotification {
  buildId: string;
  /**
   * `build` (fetch and build: upstream code runs), `publish` (verify, check, upload), or `whole` for a
   * build made before the two phases (no `_PKGRELAY_PHASE`), which did both and ends the job itself.
   */
  phase: BuildPhase | 'whole';
  /** The build phase's staging location (`artifacts.objects.location`), where its archive went. */
  stagingLocation: string | undefined;
  /** The files the build phase packed into its archive, as its `pack` step reported them. */
  packedFiles: string[];
  /** As pkgrelay set them when it created the build: a step cannot change them. */
  substitutions: Record<string, string>;
  status: BuildStatus;
  logUrl: string | undefined;
  job: { repository: string; tag: string; attempt: number } | undefined;
  failedStep: { id: string; error: z.infer<typeof StepError> | undefined } | undefined;
  artifacts: z.infer<typeof Artifacts> | undefined;
  failureDetail: string | undefined;
  /** What the check step reported without failing; empty when nothing (or no check ran). */
  warnings: JobWarning[];
  /** The commit and tree the fetch step checked out, once it has run. */
  upstream: UpstreamSource | undefined;
  /** When the build was created, if the resource says so (orders a job's builds). */
  createTime: string | undefined;
  tags: string[];
  /** The service account the build runs as, as the resource names it (`projects/P/serviceAccounts/EMAIL`). */
  serviceAccount: string | undefined;
}

/** Reads a `cloud-builds` notification (the Build as JSON); `job` is undefined for builds that are not pkgrelay's. */
export function readBuildNotification(data: Buffer): BuildNotification | undefined {
  let json: unknown;
  try {
    json = JSON.parse(data.toString('utf8'));
  } catch {
    return undefined;
  }
  return readBuild(json);
}

/** Reads a Build resource as the API or its client library returns it; undefined if it is not one. */
export function readBuild(json: unknown): BuildNotification | undefined {
  const parsed = Build.safeParse(json);
  if (!parsed.success) return undefined;
  const build = parsed.data;
  const subs = build.substitutions ?? {};
  const repository = subs[JobSubstitution.repository];
  const tag = subs[JobSubstitution.tag];
  const attempt = Number(subs[JobSubstitution.attempt] ?? NaN);
  const outputs = (build.results?.buildStepOutputs ?? []).map(decodeStepOutput);
  const steps = build.steps ?? [];
  const failedIndex = steps.findIndex((step) => step.status === 'FAILURE' || step.status === 'TIMEOUT');
  const failed = failedIndex >= 0 ? steps[failedIndex] : undefined;
  const uploadIndex = steps.findIndex((step) => step.id === ('upload' satisfies StepId));
  const artifacts = Artifacts.safeParse(
    (outputs[uploadIndex] as { artifacts?: unknown } | undefined)?.artifacts,
  );
  const fetchIndex = steps.findIndex((step) => step.id === ('fetch' satisfies StepId));
  const packIndex = steps.findIndex((step) => step.id === ('pack' satisfies StepId));
  const packed = z
    .array(z.string().max(255))
    .max(20)
    .safeParse((outputs[packIndex] as { files?: unknown } | undefined)?.files);
  const checkIndex = steps.findIndex((step) => step.id === ('check' satisfies StepId));
  const stepError = StepError.safeParse((outputs[failedIndex] as { error?: unknown } | undefined)?.error);
  return {
    buildId: build.id,
    phase: phaseOf(subs[JobSubstitution.phase]),
    stagingLocation: build.artifacts?.objects?.location ?? undefined,
    packedFiles: packed.success ? packed.data : [],
    substitutions: subs,
    status: build.status,
    logUrl: build.logUrl ?? undefined,
    job: repository && tag && Number.isInteger(attempt) ? { repository, tag, attempt } : undefined,
    failedStep: failed
      ? { id: failed.id ?? `#${failedIndex}`, error: stepError.success ? stepError.data : undefined }
      : undefined,
    artifacts: artifacts.success ? artifacts.data : undefined,
    failureDetail: build.failureInfo?.detail ?? build.statusDetail ?? undefined,
    warnings: readStepWarnings(outputs[checkIndex]),
    upstream: readFetchedSource(outputs[fetchIndex]),
    createTime: timeOf(build.createTime),
    tags: build.tags ?? [],
    serviceAccount: build.serviceAccount ?? undefined,
  };
}

function phaseOf(value: string | undefined): BuildPhase | 'whole' {
  return value === 'build' || value === 'publish' ? value : 'whole';
}

function timeOf(value: string | { seconds: string | number } | null | undefined): string | undefined {
  if (!value) return undefined;
  if (typeof value === 'string') return value;
  return new Date(Number(value.seconds) * 1000).toISOString();
}
