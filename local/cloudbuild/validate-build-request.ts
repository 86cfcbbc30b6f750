import { z } from 'zod';
import { checkSubstitutions } from './apply-substitutions.js';
import type { BuildStep, SecretManagerSecret } from './build-types.js';
import { parseDuration } from './parse-duration.js';

const MaxTimeoutMs = 24 * 60 * 60 * 1000;
const DefaultTimeout = '600s';

const stepSchema = z.looseObject({
  name: z.string(),
  args: z.array(z.string()).optional(),
  env: z.array(z.string()).optional(),
  dir: z.string().optional(),
  id: z.string().optional(),
  waitFor: z.array(z.string()).optional(),
  entrypoint: z.string().optional(),
  secretEnv: z.array(z.string()).optional(),
  timeout: z.string().optional(),
});

const requestSchema = z.looseObject({
  steps: z.array(stepSchema).optional(),
  substitutions: z.record(z.string(), z.string()).optional(),
  options: z.looseObject({}).optional(),
  availableSecrets: z
    .looseObject({
      secretManager: z.array(z.object({ versionName: z.string(), env: z.string() })).optional(),
    })
    .optional(),
  timeout: z.string().optional(),
  tags: z.array(z.string()).optional(),
  source: z
    .looseObject({
      storageSource: z
        .looseObject({
          bucket: z.string().min(1),
          object: z.string().min(1),
          generation: z.string().optional(),
        })
        .optional(),
    })
    .optional(),
  artifacts: z
    .looseObject({
      objects: z.looseObject({ location: z.string(), paths: z.array(z.string()).min(1) }).optional(),
    })
    .optional(),
  serviceAccount: z.string().optional(),
});

export interface ValidBuildRequest {
  /** Fields the caller sent that the stand-in keeps as they are (images, tags, serviceAccount…). */
  rest: Record<string, unknown>;
  steps: BuildStep[];
  substitutions: Record<string, string>;
  options: Record<string, unknown>;
  secrets: SecretManagerSecret[];
  timeout: string;
  timeoutMs: number;
}

export type ValidationResult = { success: true; data: ValidBuildRequest } | { success: false; error: string };

// The client sends enums as numbers (`enum-encoding=int`); curl users send names.
const SubstitutionOption = ['MUST_MATCH', 'ALLOW_LOOSE'] as const;

/** Validates a Build as Cloud Build does at create time, with its error texts where they are known. */
export function validateBuildRequest(body: unknown): ValidationResult {
  const parsed = requestSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      success: false,
      error: `Invalid JSON payload: ${issue?.path.join('.') || 'build'}: ${issue?.message}`,
    };
  }
  const { steps = [], substitutions = {}, options = {}, availableSecrets, timeout, ...rest } = parsed.data;
  const fail = (error: string): ValidationResult => ({ success: false, error });

  const timeoutMs = parseDuration(timeout ?? DefaultTimeout);
  if (timeoutMs === undefined) return fail(`invalid build: invalid timeout value: ${String(timeout)}`);
  if (timeoutMs > MaxTimeoutMs) return fail('invalid build: timeout exceeds the timeout limit of 24h0m0s');
  if (timeoutMs < 0) return fail('invalid build: invalid timeout: timeout must be >=0');
  if (steps.length === 0) return fail('invalid build: invalid .steps field: no build steps are specified');
  if (steps.length > 300)
    return fail('invalid build: invalid .steps field: cannot specify more than 300 build steps');

  const secrets = availableSecrets?.secretManager ?? [];
  const secretEnvs = new Set(secrets.map((secret) => secret.env));
  const known = new Set(['-']);
  for (const [i, step] of steps.entries()) {
    if (step.name === '')
      return fail(`invalid build: invalid .steps field: build step ${i} must specify name`);
    for (const dependency of step.waitFor ?? []) {
      if (!known.has(dependency)) {
        return fail(
          `invalid build: invalid .steps field: build step #${i} depends on "${dependency}", which has not been defined`,
        );
      }
    }
    if (step.id !== undefined) {
      if (known.has(step.id))
        return fail(
          `invalid build: invalid .steps field: build step #${i} - "${step.id}": the ID is not unique`,
        );
      known.add(step.id);
    }
    for (const entry of step.env ?? []) {
      if (!entry.includes('=')) {
        return fail(
          `invalid build: invalid .steps field: build step #${i} - "${step.id ?? ''}": the Env entry "${entry}" must be of the form "KEY=VALUE"`,
        );
      }
    }
    if (step.timeout !== undefined) {
      const stepMs = parseDuration(step.timeout);
      if (stepMs === undefined || stepMs < 0)
        return fail(`invalid build: invalid .timeout in build step #${i}`);
      if (stepMs > timeoutMs) {
        return fail(
          `invalid build: invalid .timeout in build step #${i}: build step timeout ${step.timeout} must be <= build timeout ${timeout ?? DefaultTimeout}`,
        );
      }
    }
    for (const env of step.secretEnv ?? []) {
      if (!secretEnvs.has(env))
        return fail(
          `invalid build: invalid .secrets field: secretEnv "${env}" is used without being defined`,
        );
    }
  }
  for (const secret of secrets) {
    if (!/^projects\/[^/]+\/secrets\/[A-Za-z0-9_-]+\/versions\/[^/]+$/.test(secret.versionName)) {
      return fail(`invalid build: invalid secret version name "${secret.versionName}"`);
    }
  }

  const location = parsed.data.artifacts?.objects?.location;
  if (location !== undefined && !/^gs:\/\/[a-z0-9][a-z0-9._-]{1,220}[a-z0-9](\/.*)?$/.test(location))
    return fail(
      `invalid build: invalid .artifacts.objects.location "${location}": must be of the form gs://bucket/path/`,
    );
  const source = parsed.data.source?.storageSource;
  if (
    source &&
    !source.object.endsWith('.tar.gz') &&
    !source.object.endsWith('.tgz') &&
    !source.object.endsWith('.zip')
  )
    return fail(
      `invalid build: invalid .source.storageSource.object "${source.object}": must be a .tar.gz or .zip archive`,
    );

  for (const tag of parsed.data.tags ?? []) {
    if (!/^[\w][\w.-]{0,127}$/.test(tag))
      return fail(`invalid build: invalid build tag "${tag}": must match format "^[\\w][\\w.-]{0,127}$"`);
  }

  const rawOption = options['substitutionOption'];
  const substitutionOption = typeof rawOption === 'number' ? SubstitutionOption[rawOption] : rawOption;
  const normalizedOptions = substitutionOption === undefined ? options : { ...options, substitutionOption };
  const templates = steps.flatMap((step) => [
    step.name,
    ...(step.args ?? []),
    ...(step.env ?? []),
    step.dir ?? '',
    step.entrypoint ?? '',
  ]);
  const substitutionError = checkSubstitutions(
    templates,
    substitutions,
    substitutionOption === 'ALLOW_LOOSE',
  );
  if (substitutionError) return fail(substitutionError);

  return {
    success: true,
    data: {
      rest,
      steps: steps as BuildStep[],
      substitutions,
      options: normalizedOptions,
      secrets,
      timeout: timeout ?? DefaultTimeout,
      timeoutMs,
    },
  };
}
