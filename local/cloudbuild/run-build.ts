import { createWriteStream } from 'node:fs';
import { mkdir, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../shared/log/create-logger.js';
import { substitute } from './apply-substitutions.js';
import type { Build, BuildStatus, BuildStep } from './build-types.js';
import type { BuildNotifier } from './create-build-notifier.js';
import type { BuildStore } from './create-build-store.js';
import { parseDuration } from './parse-duration.js';
import { placeStep, stepPaths, type LocalImage, type SandboxKind } from './place-step-in-sandbox.js';
import { resolveSecrets } from './resolve-secrets.js';
import { checkSecretAccess, type SecretAccess } from './check-secret-access.js';
import { fetchStorageSource } from './fetch-storage-source.js';
import type { BuildStorage } from './open-build-storage.js';
import { uploadArtifactObjects, type ArtifactUpload } from './upload-artifact-objects.js';
import { resolveStepDir, resolveStepProgram } from './resolve-step-program.js';
import { runBuildStep, type StepOutcome } from './run-build-step.js';

/** Why a run was stopped from outside, passed as the AbortSignal's reason. */
export type StopReason = 'cancelled' | 'shutdown';

export interface RunBuildDeps {
  store: BuildStore;
  notifier: BuildNotifier;
  logger: Logger;
  secretsDir: string | undefined;
  /** Which secrets each service account may read; unset, every build reads every secret. */
  secretAccess?: SecretAccess | undefined;
  /** Where `source.storageSource` is read from and `artifacts.objects` written to. */
  storage?: BuildStorage | undefined;
  cacheDir?: string | undefined;
  /** Images the stand-in has (the builder image); a step on any other runs on the host's system. */
  images?: readonly LocalImage[] | undefined;
  /** How each step is run: in a bubblewrap sandbox like a container, or as a host process. */
  sandbox: SandboxKind;
  /** Keep a finished build's workspace and home (Cloud Build discards them; a test may look inside). */
  keepWorkspace?: boolean | undefined;
  /** Built-in substitutions of this build (PROJECT_ID, BUILD_ID, PROJECT_NUMBER, LOCATION). */
  builtIns: Record<string, string>;
  clock: () => Date;
}

const ContainerPath = '/usr/local/bin:/usr/bin:/bin';

// What a step's container starts with: no pip configuration of the host's (a container has none), and
// the stand-in's shared pip and uv caches where a cache folder is set.
function containerEnv(cacheDir: string | undefined): Record<string, string> {
  return {
    PATH: ContainerPath,
    PIP_CONFIG_FILE: '/dev/null',
    PIP_DISABLE_PIP_VERSION_CHECK: '1',
    PIP_ROOT_USER_ACTION: 'ignore',
    ...(cacheDir ? { PIP_CACHE_DIR: join(cacheDir, 'pip'), UV_CACHE_DIR: join(cacheDir, 'uv') } : {}),
  };
}
const MaxOutputBytes = 4 * 1024;

/** Runs a queued build's steps in order in a fresh workspace and records its outcome. */
export async function runBuild(build: Build, stop: AbortSignal, deps: RunBuildDeps): Promise<void> {
  const { store, notifier, clock } = deps;
  const logger = deps.logger.child({ buildId: build.id });
  const root = store.directoryOf(build.id);
  const workspace = join(root, 'workspace');
  const home = join(root, 'home');
  // The caches too: pip and uv would make them on first use, but a sandbox can bind only what exists.
  const dirs = [workspace, home, ...(deps.cacheDir ? [deps.cacheDir] : [])];
  await Promise.all(dirs.map((dir) => mkdir(dir, { recursive: true })));
  const log = createWriteStream(join(root, 'log.txt'), { flags: 'a' });
  const write = (line: string): void => void log.write(`${line}\n`);

  const now = (): string => clock().toISOString();
  build.status = 'WORKING';
  build.startTime = now();
  for (const step of build.steps) step.status = 'QUEUED';
  await store.save(build);
  notifier.notify(build);
  logger.info('build started');
  write(`starting build "${build.id}"`);
  write('');
  write('FETCHSOURCE');
  write('BUILD');

  const deadline = new AbortController();
  const onStop = (): void => deadline.abort(stop.reason);
  stop.addEventListener('abort', onStop, { once: true });
  const timeoutMs = parseDuration(build.timeout) ?? 600_000;
  const timer = setTimeout(() => deadline.abort('timeout'), timeoutMs);

  const outputs: string[] = build.steps.map(() => '');
  let final: { status: BuildStatus; detail?: string; failure?: string } = { status: 'SUCCESS' };
  let uploaded: (ArtifactUpload & { timing: { startTime: string; endTime: string } }) | undefined;
  try {
    const denied = await checkSecretAccess(
      deps.secretAccess,
      build.serviceAccount ?? '',
      build.availableSecrets?.secretManager ?? [],
    );
    if (denied) {
      final = { status: 'FAILURE', detail: denied };
      write(`ERROR: ${denied}`);
      return;
    }
    const storageSource = build.source?.storageSource;
    if (storageSource) {
      const fetched = deps.storage
        ? await fetchStorageSource(deps.storage, storageSource, workspace)
        : { success: false as const, error: 'the stand-in has no storage configured' };
      if (!fetched.success) {
        final = { status: 'FAILURE', detail: fetched.error };
        write(`ERROR: ${fetched.error}`);
        return;
      }
      build.sourceProvenance = { resolvedStorageSource: fetched.data };
      write(
        `Fetching storage object: gs://${fetched.data.bucket}/${fetched.data.object}#${fetched.data.generation}`,
      );
    }
    const secrets = await resolveSecrets(build.availableSecrets?.secretManager ?? [], deps.secretsDir);
    if (!secrets.success) {
      final = { status: 'FAILURE', detail: secrets.error };
      write(`ERROR: ${secrets.error}`);
      return;
    }
    const values = { ...deps.builtIns, ...build.substitutions };
    const globalEnv = stringList(build.options?.['env']);
    const globalSecretEnv = stringList(build.options?.['secretEnv']);
    for (const [index, step] of build.steps.entries()) {
      const label = step.id ? `Step #${index} - "${step.id}"` : `Step #${index}`;
      const outputDir = join(root, 'outputs', `step-${index}`);
      await mkdir(outputDir, { recursive: true });
      const args = (step.args ?? []).map((arg) => substitute(arg, values));
      const entrypoint = step.entrypoint === undefined ? undefined : substitute(step.entrypoint, values);
      const image = substitute(step.name, values);
      const command = resolveStepProgram(image, entrypoint, args);
      const cwd = resolveStepDir(
        workspace,
        step.dir === undefined ? undefined : substitute(step.dir, values),
      );
      const mounts = {
        workspace,
        home,
        output: outputDir,
        cache: deps.cacheDir,
        image: deps.images?.find((candidate) => candidate.matches(image))?.binds,
      };
      const paths = stepPaths(deps.sandbox, mounts);
      const env: Record<string, string> = {
        ...containerEnv(paths.cache),
        HOME: paths.home,
        BUILDER_OUTPUT: paths.output,
      };
      for (const entry of [...globalEnv, ...(step.env ?? []).map((e) => substitute(e, values))]) {
        const at = entry.indexOf('=');
        env[entry.slice(0, at)] = entry.slice(at + 1);
      }
      for (const name of [...globalSecretEnv, ...(step.secretEnv ?? [])])
        env[name] = secrets.data.get(name) ?? '';

      step.status = 'WORKING';
      step.timing = { startTime: now() };
      await store.save(build);
      write(`Starting ${label}`);
      let outcome: StepOutcome;
      if (!command.success) outcome = { kind: 'not-started', message: command.error };
      else if (!cwd) outcome = { kind: 'not-started', message: `dir "${step.dir}" is outside /workspace` };
      else {
        await mkdir(cwd, { recursive: true });
        const launch = placeStep(deps.sandbox, { ...command.data, cwd, path: env['PATH'] ?? '' }, mounts);
        const stepTimeout = parseDuration(step.timeout);
        logger.debug('step started', { step: index, program: command.data.program, sandbox: deps.sandbox });
        outcome = !launch.success
          ? { kind: 'not-started', message: launch.error }
          : await runBuildStep({
              ...launch.data,
              env,
              ...(stepTimeout === undefined ? {} : { timeoutMs: stepTimeout }),
              signal: deadline.signal,
              onLine: (line) => write(`${label}: ${line}`),
            });
      }
      step.timing.endTime = now();
      outputs[index] = await readOutput(join(outputDir, 'output'));
      final = judgeStep(outcome, index, step);
      step.status = final.status;
      if (outcome.kind === 'exited') step.exitCode = outcome.code;
      write(`Finished ${label}`);
      await store.save(build);
      if (final.status !== 'SUCCESS') {
        write('ERROR');
        write(`ERROR: ${final.detail ?? final.status}`);
        return;
      }
    }
    write('PUSH');
    const objects = build.artifacts?.objects;
    if (objects) {
      const startTime = now();
      write(`Artifacts will be uploaded to ${objects.location} containing: ${objects.paths.join(' ')}`);
      try {
        if (!deps.storage) throw new Error('the stand-in has no storage configured');
        const result = await uploadArtifactObjects(deps.storage, objects, workspace, build.id);
        uploaded = { ...result, timing: { startTime, endTime: now() } };
        objects.timing = uploaded.timing;
        write(`Uploaded ${result.count} artifact(s), manifest ${result.manifest}`);
      } catch (error) {
        final = { status: 'FAILURE', detail: `failed to upload artifacts: ${(error as Error).message}` };
        write(`ERROR: ${final.detail}`);
        return;
      }
    }
    write('DONE');
  } catch (error) {
    logger.error('build crashed in the stand-in', { error });
    final = { status: 'INTERNAL_ERROR', detail: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
    stop.removeEventListener('abort', onStop);
    await new Promise<void>((resolve) => log.end(resolve));
    build.status = final.status;
    build.finishTime = now();
    build.timing = {
      ...build.timing,
      BUILD: { startTime: build.startTime ?? build.finishTime, endTime: build.finishTime },
    };
    build.results = {
      buildStepOutputs: outputs,
      buildStepImages: build.steps.map(() => ''),
      ...(uploaded
        ? {
            artifactManifest: uploaded.manifest,
            numArtifacts: String(uploaded.count),
            artifactTiming: uploaded.timing,
          }
        : {}),
    };
    if (final.detail !== undefined) build.statusDetail = final.detail;
    if (final.failure !== undefined) build.failureInfo = { type: 'USER_BUILD_STEP', detail: final.failure };
    await store.save(build);
    notifier.notify(build);
    logger.info('build finished', { status: build.status });
    // As Cloud Build discards its workers' disks: a long-running stack would otherwise keep ~100 MB a build.
    if (!deps.keepWorkspace)
      await Promise.all(
        [workspace, home, join(root, 'outputs')].map((dir) => rm(dir, { recursive: true, force: true })),
      );
  }
}

function judgeStep(
  outcome: StepOutcome,
  index: number,
  step: BuildStep,
): { status: BuildStatus; detail?: string; failure?: string } {
  // Cloud Build names the step by its image in these messages, not by its id.
  const prefix = `build step ${index} "${step.name}" failed`;
  switch (outcome.kind) {
    case 'exited': {
      if (outcome.code === 0) return { status: 'SUCCESS' };
      const detail = `${prefix}: step exited with non-zero status: ${outcome.code}`;
      return { status: 'FAILURE', detail, failure: `Build step failure: ${detail}` };
    }
    case 'not-started': {
      const detail = `${prefix}: starting step container failed: ${outcome.message}`;
      return { status: 'FAILURE', detail, failure: `Build step failure: ${detail}` };
    }
    case 'timeout':
      return {
        status: 'TIMEOUT',
        detail: `${prefix}: step did not complete within its timeout ${step.timeout}`,
      };
    case 'stopped':
      if (outcome.reason === 'timeout') return { status: 'TIMEOUT', detail: 'Build timeout' };
      return {
        status: 'CANCELLED',
        detail: outcome.reason === 'shutdown' ? 'The stand-in shut down' : 'Build was cancelled',
      };
  }
}

async function readOutput(path: string): Promise<string> {
  try {
    const file = await open(path);
    try {
      const buffer = Buffer.alloc(MaxOutputBytes);
      const { bytesRead } = await file.read(buffer, 0, MaxOutputBytes, 0);
      return buffer.subarray(0, bytesRead).toString('base64');
    } finally {
      await file.close();
    }
  } catch {
    return '';
  }
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}
