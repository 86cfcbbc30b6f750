import { http } from '@google-cloud/functions-framework';
import { createCloudBuildService } from '../../shared/adapters/create-cloud-build-service.js';
import { createGcsDocumentStore } from '../../shared/adapters/create-gcs-document-store.js';
import { createSecretManagerTokens } from '../../shared/adapters/create-secret-manager-tokens.js';
import { createPubSubReleaseQueue } from '../../shared/adapters/create-pubsub-release-queue.js';
import { openRepositoryProvider } from '../../shared/adapters/open-repository-provider.js';
import { loadConfig, required } from '../../shared/config/load-config.js';
import { createLogger } from '../../shared/log/create-logger.js';
import { createGitTagCommits } from '../../shared/upstream/create-git-tag-commits.js';
import { createGitUpstreamTags } from '../../shared/upstream/create-git-upstream-tags.js';
import { createPubSubJobEvents } from '../../shared/adapters/create-pubsub-job-events.js';
import { createReconcileHandler, type ReconcileOptions } from './create-reconcile-handler.js';
import type { ReconcileReport } from './reconcile-report.js';
import { readReconcileOptions } from './read-reconcile-options.js';

type Handler = (options?: ReconcileOptions) => Promise<ReconcileReport>;

// Built on the first request, not at import: functions/index.ts loads every function.
let handler: Handler | undefined;

function createHandler(): Handler {
  const config = loadConfig();
  const logger = createLogger({ fields: { component: 'reconcile' }, minSeverity: config.logLevel });
  return createReconcileHandler({
    repositories: openRepositoryProvider(config, logger),
    store: createGcsDocumentStore({
      bucket: required(config.bucket, 'PKGRELAY_BUCKET'),
      projectId: config.projectId,
    }),
    events: createPubSubJobEvents({ projectId: config.projectId, topic: config.jobEventsTopic }),
    queue: createPubSubReleaseQueue({ projectId: config.projectId, topic: config.releasesTopic }),
    upstream: createGitUpstreamTags({
      upstreamBase: config.upstreamBase,
      timeoutMs: config.pollTimeoutSeconds * 1000,
    }),
    tokens: createSecretManagerTokens({
      projectId: config.projectId,
      timeoutMs: config.pollTimeoutSeconds * 1000,
      ...(config.secretManagerEndpoint ? { endpoint: config.secretManagerEndpoint } : {}),
    }),
    concurrency: config.pollConcurrency,
    tagCommits: createGitTagCommits({ upstreamBase: config.upstreamBase }),
    builds: createCloudBuildService({ projectId: config.projectId, endpoint: config.cloudBuildEndpoint }),
    logger,
    buildTimeoutSeconds: config.buildTimeoutSeconds,
    projectId: config.projectId,
    buildServiceAccount: config.buildServiceAccount,
    publishServiceAccount: config.publishServiceAccount,
    builderImage: config.builderImage,
    leaseSeconds: config.leaseSeconds,
  });
}

http('reconcile', async (req, res) => {
  const answer = (status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  };
  if (req.method !== 'POST') return answer(405, { error: 'POST to run reconcile (Cloud Scheduler does)' });
  const options = readReconcileOptions(req.body);
  if (!options.success) return answer(400, { error: options.error });
  // Cloud Scheduler names itself in its User-Agent; a caller that says who it is wins.
  if (!options.data.requestedBy && /Google-Cloud-Scheduler/.test(req.get('user-agent') ?? ''))
    options.data.requestedBy = 'Cloud Scheduler';
  try {
    handler ??= createHandler();
  } catch (error) {
    createLogger({ fields: { component: 'reconcile' } }).error('reconcile is misconfigured', { error });
    return answer(500, { error: 'pkgrelay is misconfigured; see the function logs' });
  }
  const report = await handler(options.data);
  // Non-2xx when a step failed, so Cloud Scheduler marks the run failed and alerting sees it.
  answer(report.errors.length ? 500 : 200, report);
});
