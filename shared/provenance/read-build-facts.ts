import { z } from 'zod';
import { decodeStepOutput } from '../build/decode-step-output.js';
import type { StepId } from '../build/create-build-plan.js';

const Time = z.union([z.string(), z.object({ seconds: z.union([z.string(), z.number()]) })]).nullish();

const Build = z.object({
  id: z.string(),
  projectId: z.string().nullish(),
  createTime: Time,
  startTime: Time,
  finishTime: Time,
  substitutions: z.record(z.string(), z.string()).nullish(),
  steps: z
    .array(
      z.object({ id: z.string().nullish(), name: z.string().nullish(), args: z.array(z.string()).nullish() }),
    )
    .nullish(),
  results: z
    .object({
      buildStepOutputs: z.array(z.union([z.string(), z.instanceof(Uint8Array)]).nullable()).nullish(),
      buildStepImages: z.array(z.string().nullable()).nullish(),
    })
    .nullish(),
});

/** What a finished Build resource says about how it ran, for its provenance. */
export interface BuildFacts {
  buildId: string;
  projectId: string | undefined;
  startedOn: string | undefined;
  finishedOn: string | undefined;
  substitutions: Record<string, string>;
  /** Each step's image, with the digest Cloud Build pulled (`sha256:…`) where it reports one. */
  steps: Array<{ id: string; image: string; digest: string | undefined }>;
  /** The commit the fetch step checked out (its `$BUILDER_OUTPUT/output`). */
  commit: string | undefined;
  /** The data files the build step carried (`tool-requirements.txt`, …), as its program holds them. */
  stepData: Record<string, string>;
}

/** Reads a Build resource (REST JSON, or the client's object) for its provenance; undefined if it is not one. */
export function readBuildFacts(json: unknown): BuildFacts | undefined {
  const parsed = Build.safeParse(json);
  if (!parsed.success) return undefined;
  const build = parsed.data;
  const steps = build.steps ?? [];
  const images = build.results?.buildStepImages ?? [];
  const outputs = build.results?.buildStepOutputs ?? [];
  const indexOf = (id: StepId): number => steps.findIndex((step) => step.id === id);
  const fetched = decodeStepOutput(outputs[indexOf('fetch')] ?? null) as { commit?: unknown } | undefined;
  const commit =
    typeof fetched?.commit === 'string' && /^[0-9a-f]{40,64}$/.test(fetched.commit)
      ? fetched.commit
      : undefined;
  return {
    buildId: build.id,
    projectId: build.projectId ?? undefined,
    startedOn: timeOf(build.startTime ?? build.createTime),
    finishedOn: timeOf(build.finishTime),
    substitutions: build.substitutions ?? {},
    steps: steps.map((step, index) => ({
      id: step.id ?? `#${index}`,
      image: step.name ?? '',
      digest: images[index] || undefined,
    })),
    commit,
    // The tool pins: the build step's in a single build, the receive step's in a publish phase.
    stepData: readStepData(steps[indexOf(indexOf('build') >= 0 ? 'build' : 'receive')]?.args ?? []),
  };
}

// composeStepProgram puts `DATA = {json}` on a line of its own in the `python3 -c` program.
function readStepData(args: readonly string[]): Record<string, string> {
  const program = args.at(-1) ?? '';
  const line = program.split('\n').find((candidate) => candidate.startsWith('DATA = '));
  if (!line) return {};
  try {
    const data = z
      .record(z.string(), z.string())
      .safeParse(JSON.parse(line.slice('DATA = '.length).replaceAll('$$', '$')));
    return data.success ? data.data : {};
  } catch {
    return {};
  }
}

function timeOf(value: z.infer<typeof Time>): string | undefined {
  if (!value) return undefined;
  const date = typeof value === 'string' ? new Date(value) : new Date(Number(value.seconds) * 1000);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
