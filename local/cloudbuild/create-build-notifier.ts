import { setTimeout as sleep } from 'node:timers/promises';
import type { Topic } from '@google-cloud/pubsub';
import type { Logger } from '../../shared/log/create-logger.js';
import type { Build } from './build-types.js';

export const NotificationTopic = 'cloud-builds';

export interface BuildNotifier {
  /** Queues a notification of the build as it is now; publishes of one build keep their order. */
  notify(build: Build): void;
  /** Waits for queued notifications, then closes the Pub/Sub client. */
  close(): Promise<void>;
}

export interface BuildNotifierOptions {
  pubsub?: { projectId: string; apiEndpoint: string };
  logger: Logger;
  attempts?: number;
  backoffMs?: number;
}

/** Publishes builds to `cloud-builds` as Cloud Build does: attributes `buildId` and `status`, data the Build JSON. */
export function createBuildNotifier({
  pubsub,
  logger,
  attempts = 6,
  backoffMs = 250,
}: BuildNotifierOptions): BuildNotifier {
  if (!pubsub) return { notify: () => {}, close: async () => {} };
  let topic: Promise<Topic> | undefined;
  // The caller's process may lack PUBSUB_EMULATOR_HOST, so the emulator is named explicitly.
  // One topic, sent at once (0 ms batching window): the client's default 10 ms wait would delay every build's final notification.
  const connect = (): Promise<Topic> =>
    (topic ??= import('@google-cloud/pubsub').then(({ PubSub }) =>
      new PubSub({ projectId: pubsub.projectId, apiEndpoint: pubsub.apiEndpoint, emulatorMode: true }).topic(
        NotificationTopic,
        { batching: { maxMessages: 100, maxMilliseconds: 0 } },
      ),
    ));
  const chains = new Map<string, Promise<void>>();

  const publish = async (build: Build): Promise<void> => {
    const data = Buffer.from(JSON.stringify(build));
    const attributes = { buildId: build.id, status: build.status };
    for (let attempt = 1; ; attempt += 1) {
      try {
        const messageId = await (await connect()).publishMessage({ data, attributes });
        logger.debug('build notification published', { ...attributes, messageId });
        return;
      } catch (error) {
        if (attempt >= attempts) {
          logger.error('build notification dropped after retries', { ...attributes, attempts, error });
          return;
        }
        logger.warn('build notification failed; retrying', { ...attributes, attempt, error });
        await sleep(backoffMs * 2 ** (attempt - 1));
      }
    }
  };

  return {
    notify: (build) => {
      const snapshot = structuredClone(build);
      const next = (chains.get(build.id) ?? Promise.resolve()).then(() => publish(snapshot));
      chains.set(build.id, next);
      void next.finally(() => {
        if (chains.get(build.id) === next) chains.delete(build.id);
      });
    },
    close: async () => {
      await Promise.allSettled([...chains.values()]);
      if (topic) await (await topic).pubsub.close();
    },
  };
}
