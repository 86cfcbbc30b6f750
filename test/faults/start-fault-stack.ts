import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Bucket } from '@google-cloud/storage';
import { followJob, type FollowOptions } from '../../cli/follow-job.js';
import { openStatusBucket } from '../../cli/read-status.js';
import {
  createUpstreamRepository,
  type UpstreamRelease,
} from '../../local/demo/create-upstream-repository.js';
import { sampleSetuptoolsProject } from '../../local/demo/sample-project.js';
import { releasePayload, sendDelivery } from '../../local/github/send-delivery.js';
import { startStack, type Stack } from '../../local/stack/start-stack.js';
import { createLogger } from '../../shared/log/create-logger.js';
import type { JobStatus } from '../../shared/status/job-status.js';

export interface FaultStackOptions {
  /** Names the temporary folder, so a failed run's logs are easy to find. */
  name: string;
  /** As configured, e.g. `Fault-Org/Outage`; the distribution is its lower-cased name. */
  repository: string;
  releases: readonly UpstreamRelease[];
  functionEnv?: Record<string, string>;
  buildConcurrency?: number;
  maxDeliveryAttempts?: number;
}

/** A build as the Cloud Build stand-in's list API returns it (the fields the fault tests read). */
export interface ListedBuild {
  id: string;
  status: string;
  substitutions?: Record<string, string>;
  createTime?: string;
}

export interface Answer {
  tag: string;
  status: number;
  deliveryId: string;
  ms: number;
}

export interface FaultStack {
  stack: Stack;
  bucket: Bucket;
  root: string;
  /** Sends one signed `release published` delivery for `tag`, timing GitHub's wait for the answer. */
  deliver(tag: string, deliveryId?: string): Promise<Answer>;
  follow(tag: string, options?: FollowOptions): Promise<JobStatus>;
  /** Every build of one phase (the build phase unless told) the Cloud Build stand-in holds for this repository and tag. */
  builds(tag: string, phase?: 'build' | 'publish'): Promise<ListedBuild[]>;
  /** The file names the registry serves for the distribution (PEP 691 JSON). */
  servedFiles(): Promise<string[]>;
  stop(): Promise<void>;
}

/** Tags v1.0.0, v1.1.0, …: one upstream release each of the sample setuptools project. */
export function sampleReleases(distribution: string, count: number): UpstreamRelease[] {
  return Array.from({ length: count }, (_, index) => {
    const version = `1.${index}.0`;
    return {
      files: sampleSetuptoolsProject(distribution, distribution.replaceAll('-', '_'), version),
      tag: `v${version}`,
    };
  });
}

/** The whole local stack with one configured repository and its upstream, for a fault test. */
export async function startFaultStack(options: FaultStackOptions): Promise<FaultStack> {
  const root = await mkdtemp(join(tmpdir(), `pkgrelay-faults-${options.name}-`));
  const configPath = join(root, 'repositories.json');
  await writeFile(configPath, JSON.stringify({ repositories: [{ repository: options.repository }] }));
  await createUpstreamRepository(join(root, 'upstreams'), options.repository, options.releases);
  // The stand-ins' request log (with each write's precondition) is what explains a failed run.
  await mkdir(join(root, 'logs'), { recursive: true });
  const stackLog = createWriteStream(join(root, 'logs', 'stack.log'));
  // What this suite proves does not depend on how a backend is installed: offline builds keep it fast.
  const stack = await startStack({
    buildIsolation: false,
    rootDir: root,
    logger: createLogger({ write: (line) => stackLog.write(line) }),
    configPath,
    // reconcile is left out: it would repair what the tests must show needs no repair.
    functions: ['webhook', 'worker', 'buildEvents', 'deadLetter'],
    ...(options.functionEnv ? { functionEnv: options.functionEnv } : {}),
    ...(options.buildConcurrency ? { buildConcurrency: options.buildConcurrency } : {}),
    ...(options.maxDeliveryAttempts ? { maxDeliveryAttempts: options.maxDeliveryAttempts } : {}),
  });
  // What the emulator says about its pushes (failures, retries) explains a delivery that never came.
  const pubsubLog = createWriteStream(join(root, 'logs', 'pubsub.log'));
  for (const stream of [stack.emulator.process.stdout, stack.emulator.process.stderr])
    stream?.on('data', (chunk: string | Buffer) => pubsubLog.write(chunk));
  const bucket = await openStatusBucket(stack.info.storage.bucket, {
    apiEndpoint: stack.info.storage.host,
    projectId: stack.info.projectId,
  });
  const distribution = (options.repository.split('/')[1] ?? '').toLowerCase();

  return {
    stack,
    bucket,
    root,
    async deliver(tag, deliveryId) {
      const started = Date.now();
      const answer = await sendDelivery({
        url: stack.info.webhook.url,
        secret: stack.info.webhook.secret,
        event: 'release',
        payload: releasePayload(options.repository, tag),
        ...(deliveryId ? { deliveryId } : {}),
      });
      return { tag, status: answer.status, deliveryId: answer.deliveryId, ms: Date.now() - started };
    },
    follow: (tag, followOptions = {}) =>
      followJob(bucket, { repository: options.repository, tag }, { timeoutMs: 240_000, ...followOptions }),
    async builds(tag, phase = 'build') {
      const found: ListedBuild[] = [];
      let pageToken = '';
      do {
        const url = new URL(`/v1/projects/${stack.info.projectId}/builds`, stack.info.cloudbuild.host);
        url.searchParams.set('filter', `substitutions._PKGRELAY_TAG="${tag}"`);
        if (pageToken) url.searchParams.set('pageToken', pageToken);
        const page = (await (await fetch(url)).json()) as { builds?: ListedBuild[]; nextPageToken?: string };
        found.push(...(page.builds ?? []));
        pageToken = page.nextPageToken ?? '';
      } while (pageToken);
      // A job's build phases, or the publish phases build-events started after them.
      return found.filter(
        (build) =>
          (build.substitutions?.['_PKGRELAY_PHASE'] === 'publish') === (phase === 'publish') &&
          build.substitutions?.['_PKGRELAY_REPOSITORY']?.toLowerCase() === options.repository.toLowerCase(),
      );
    },
    async servedFiles() {
      const response = await fetch(new URL(`simple/${distribution}/`, stack.info.registry.url), {
        headers: { accept: 'application/vnd.pypi.simple.v1+json' },
      });
      if (response.status === 404) return [];
      const page = (await response.json()) as { files: Array<{ filename: string }> };
      return page.files.map((file) => file.filename);
    },
    stop: async () => {
      await stack.stop();
      stackLog.end();
      pubsubLog.end();
    },
  };
}
