import { http } from '@google-cloud/functions-framework';

// The baseline: the same framework and process model as the webhook, with no work in the handler.
http('bare', (_req, res) => {
  res.status(204).end();
});
