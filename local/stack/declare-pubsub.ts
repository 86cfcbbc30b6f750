import type { PubSub } from '@google-cloud/pubsub';

export interface PushSubscription {
  name: string;
  topic: string;
  /** The function's URL; the push path names the topic, as Eventarc-made subscriptions do. Unset: a pull subscription that keeps messages for a person. */
  pushEndpoint?: string;
  ackDeadlineSeconds: number;
  /** Unset: the emulator redelivers a failed push after about 1 s. */
  retry?: { minimumBackoffSeconds: number; maximumBackoffSeconds: number };
  deadLetter?: { topic: string; maxDeliveryAttempts: number };
}

export interface PubSubDeclaration {
  topics: string[];
  subscriptions: PushSubscription[];
}

export interface DeclarationInput {
  projectId: string;
  releasesTopic: string;
  buildEventsTopic: string;
  jobEventsTopic: string;
  functionUrls: Partial<Record<'worker' | 'buildEvents' | 'deadLetter' | 'notifier', string>>;
  maxDeliveryAttempts: number;
}

/** The topics and subscriptions of pkgrelay, declared once for the local stack (deploy mirrors them in Google Cloud). */
export function declarePubSub(input: DeclarationInput): PubSubDeclaration {
  const deadLetterTopic = `${input.releasesTopic}-dead-letter`;
  // No retry policy here: the emulator (0.8.20) keeps postponing messages whose pushes failed together
  // (a killed function, a burst of 500s) while a retry policy is set, for minutes; without one it
  // redelivers a failed push after about 1 s. Google's subscriptions keep theirs (see deploy/).
  const push = (url: string, topic: string): string => `${url}/projects/${input.projectId}/topics/${topic}`;
  const subscriptions: PushSubscription[] = [];
  const { worker, buildEvents, deadLetter, notifier } = input.functionUrls;
  const eventsDeadLetterTopic = `${input.jobEventsTopic}-dead-letter`;
  if (worker) {
    subscriptions.push({
      name: 'pkgrelay-worker',
      topic: input.releasesTopic,
      pushEndpoint: push(worker, input.releasesTopic),
      ackDeadlineSeconds: 60,
      deadLetter: { topic: deadLetterTopic, maxDeliveryAttempts: input.maxDeliveryAttempts },
    });
  }
  if (buildEvents) {
    subscriptions.push({
      name: 'pkgrelay-build-events',
      topic: input.buildEventsTopic,
      pushEndpoint: push(buildEvents, input.buildEventsTopic),
      ackDeadlineSeconds: 60,
    });
  }
  if (deadLetter) {
    subscriptions.push({
      name: 'pkgrelay-dead-letter',
      topic: deadLetterTopic,
      pushEndpoint: push(deadLetter, deadLetterTopic),
      ackDeadlineSeconds: 60,
    });
  }
  if (notifier) {
    subscriptions.push(
      {
        name: 'pkgrelay-notifier',
        topic: input.jobEventsTopic,
        pushEndpoint: push(notifier, input.jobEventsTopic),
        ackDeadlineSeconds: 60,
        deadLetter: { topic: eventsDeadLetterTopic, maxDeliveryAttempts: input.maxDeliveryAttempts },
      },
      { name: eventsDeadLetterTopic, topic: eventsDeadLetterTopic, ackDeadlineSeconds: 60 },
    );
  }
  return {
    topics: [
      input.releasesTopic,
      deadLetterTopic,
      input.buildEventsTopic,
      input.jobEventsTopic,
      eventsDeadLetterTopic,
    ],
    subscriptions,
  };
}

/** Creates every topic and subscription of the declaration; the emulator keeps nothing across restarts. */
export async function applyPubSubDeclaration(pubsub: PubSub, declaration: PubSubDeclaration): Promise<void> {
  await Promise.all(declaration.topics.map((topic) => ensure(() => pubsub.createTopic(topic))));
  await Promise.all(
    declaration.subscriptions.map((sub) =>
      ensure(() =>
        pubsub.topic(sub.topic).createSubscription(sub.name, {
          ...(sub.pushEndpoint ? { pushConfig: { pushEndpoint: sub.pushEndpoint } } : {}),
          ackDeadlineSeconds: sub.ackDeadlineSeconds,
          ...(sub.retry
            ? {
                retryPolicy: {
                  minimumBackoff: { seconds: sub.retry.minimumBackoffSeconds },
                  maximumBackoff: { seconds: sub.retry.maximumBackoffSeconds },
                },
              }
            : {}),
          ...(sub.deadLetter
            ? {
                deadLetterPolicy: {
                  deadLetterTopic: pubsub.topic(sub.deadLetter.topic).name,
                  maxDeliveryAttempts: sub.deadLetter.maxDeliveryAttempts,
                },
              }
            : {}),
        }),
      ),
    ),
  );
}

async function ensure(create: () => Promise<unknown>): Promise<void> {
  try {
    await create();
  } catch (error) {
    // ALREADY_EXISTS: a second start against a running emulator finds its own declaration there.
    if ((error as { code?: number }).code !== 6) throw error;
  }
}
