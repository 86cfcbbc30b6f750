import { cloudEvent, type CloudEvent } from '@google-cloud/functions-framework';
import { loadConfig, required } from '../../shared/config/load-config.js';
import { createLogger } from '../../shared/log/create-logger.js';
import { createGcsDocumentStore } from '../../shared/adapters/create-gcs-document-store.js';
import { createPubSubJobEvents } from '../../shared/adapters/create-pubsub-job-events.js';
import { createDeadLetterHandler } from './create-dead-letter-handler.js';

const config = loadConfig();
const handle = createDeadLetterHandler({
  store: createGcsDocumentStore({
    bucket: required(config.bucket, 'PKGRELAY_BUCKET'),
    projectId: config.projectId,
  }),
  events: createPubSubJobEvents({ projectId: config.projectId, topic: config.jobEventsTopic }),
  logger: createLogger({ fields: { component: 'dead-letter' }, minSeverity: config.logLevel }),
});

cloudEvent('deadLetter', async (event: CloudEvent<unknown>) => {
  await handle(event);
});
