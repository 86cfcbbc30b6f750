import { openRepositoryProvider } from '../../shared/adapters/open-repository-provider.js';
import { cloudEvent, type CloudEvent } from '@google-cloud/functions-framework';
import { loadConfig, required } from '../../shared/config/load-config.js';
import { createLogger } from '../../shared/log/create-logger.js';
import { createGcsDocumentStore } from '../../shared/adapters/create-gcs-document-store.js';
import { createPubSubJobEvents } from '../../shared/adapters/create-pubsub-job-events.js';
import { createCloudBuildService } from '../../shared/adapters/create-cloud-build-service.js';
import { createBuildEventsHandler } from './create-build-events-handler.js';

const config = loadConfig();
const logger = createLogger({ fields: { component: 'build-events' }, minSeverity: config.logLevel });
const handle = createBuildEventsHandler({
  store: createGcsDocumentStore({
    bucket: required(config.bucket, 'PKGRELAY_BUCKET'),
    projectId: config.projectId,
  }),
  events: createPubSubJobEvents({ projectId: config.projectId, topic: config.jobEventsTopic }),
  logger,
  buildTimeoutSeconds: config.buildTimeoutSeconds,
  builds: createCloudBuildService({ projectId: config.projectId, endpoint: config.cloudBuildEndpoint }),
  projectId: config.projectId,
  repositories: openRepositoryProvider(config, logger),
  buildServiceAccount: config.buildServiceAccount,
  publishServiceAccount: config.publishServiceAccount,
  builderImage: config.builderImage,
  leaseSeconds: config.leaseSeconds,
});

cloudEvent('buildEvents', async (event: CloudEvent<unknown>) => {
  await handle(event);
});
