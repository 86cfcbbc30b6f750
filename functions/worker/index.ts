import { cloudEvent, type CloudEvent } from '@google-cloud/functions-framework';
import { loadConfig, required } from '../../shared/config/load-config.js';
import { createLogger } from '../../shared/log/create-logger.js';
import { createGcsDocumentStore } from '../../shared/adapters/create-gcs-document-store.js';
import { createCloudBuildService } from '../../shared/adapters/create-cloud-build-service.js';
import { createRegistryLookup } from '../../shared/adapters/create-registry-lookup.js';
import { openRepositoryProvider } from '../../shared/adapters/open-repository-provider.js';
import { createPubSubJobEvents } from '../../shared/adapters/create-pubsub-job-events.js';
import { createWorkerHandler } from './create-worker-handler.js';

const config = loadConfig();
const registryUrl = required(config.registryUrl, 'PKGRELAY_REGISTRY_URL');
const logger = createLogger({ fields: { component: 'worker' }, minSeverity: config.logLevel });
const handle = createWorkerHandler({
  config: {
    ...config,
    registryUrl,
    stagingBucket: required(config.stagingBucket, 'PKGRELAY_STAGING_BUCKET'),
  },
  repositories: openRepositoryProvider(config, logger),
  store: createGcsDocumentStore({
    bucket: required(config.bucket, 'PKGRELAY_BUCKET'),
    projectId: config.projectId,
  }),
  builds: createCloudBuildService({ projectId: config.projectId, endpoint: config.cloudBuildEndpoint }),
  registry: createRegistryLookup({ repositoryUrl: registryUrl, auth: config.registryAuth }),
  events: createPubSubJobEvents({ projectId: config.projectId, topic: config.jobEventsTopic }),
  logger,
});

cloudEvent('worker', async (event: CloudEvent<unknown>) => {
  await handle(event);
});
