import type { RetryPolicy } from './plan-types.js';

/**
 * A service account created a moment ago, or the Pub/Sub service agent of a project whose API was just enabled:
 * IAM answers "does not exist" until it has propagated, usually within a minute.
 */
export const IAM_RETRY: RetryPolicy = {
  attempts: 6,
  delaySeconds: 10,
  when: /does not exist|not found|NOT_FOUND/i,
  waitingFor: 'a new service account to reach IAM',
};

/**
 * The first Pub/Sub-triggered deploy after the APIs are enabled: Eventarc's service agent gets its role within a
 * few minutes ("it may take a few minutes before all necessary permissions are propagated"), and a just-enabled
 * API can answer that it is disabled.
 */
export const TRIGGER_RETRY: RetryPolicy = {
  attempts: 5,
  delaySeconds: 60,
  when: /Eventarc Service Agent|permissions are propagated|If you enabled this API recently|SERVICE_DISABLED/i,
  waitingFor: "Eventarc's service agent to get its rights",
};
