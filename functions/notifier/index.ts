import { cloudEvent, type CloudEvent } from '@google-cloud/functions-framework';
import { createGcsDocumentStore } from '../../shared/adapters/create-gcs-document-store.js';
import { loadConfig, required } from '../../shared/config/load-config.js';
import { createLogger } from '../../shared/log/create-logger.js';
import { createNotifierHandler } from './create-notifier-handler.js';
import { resolveEndpoints } from './resolve-endpoints.js';

const config = loadConfig();
const handle = createNotifierHandler({
  endpoints: resolveEndpoints(config.notifications),
  store: createGcsDocumentStore({
    bucket: required(config.bucket, 'PKGRELAY_BUCKET'),
    projectId: config.projectId,
  }),
  logger: createLogger({ fields: { component: 'notifier' }, minSeverity: config.logLevel }),
});

cloudEvent('notifier', async (event: CloudEvent<unknown>) => {
  await handle(event);
});
