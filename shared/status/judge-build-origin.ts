import { jobBuildTag } from '../build/job-build-tag.js';
import type { BuildNotification } from '../build/read-build-notification.js';
import { jobKey, type JobId } from '../contracts/job-id.js';

export interface BuildOrigin {
  /** The account the job's build phase runs as (builderAccountOf); unset, any account passes. */
  serviceAccount?: string | undefined;
  /** PKGRELAY_PUBLISH_SERVICE_ACCOUNT: the account publish phases run as; unset, any account passes. */
  publishServiceAccount?: string | undefined;
}

/**
 * Why a build that the job has not recorded must not be taken as the job's, or '' when it may:
 * it must carry the job's substitutions and build tag and, when one is configured, run as pkgrelay's
 * account for its phase (the repository's builder, or the publisher). Substitutions and tags are anyone's to set, so this keeps out builds made by
 * hand or by other tools; against someone who can create builds in the project it holds only with a
 * service account configured, and only while they cannot act as that account (iam.serviceAccountUser).
 * A job's recorded build id needs none of this: pkgrelay wrote it.
 */
export function judgeBuildOrigin(
  build: BuildNotification,
  id: JobId,
  { serviceAccount, publishServiceAccount }: BuildOrigin,
): string {
  if (!build.job || jobKey(build.job) !== jobKey(id)) return `build ${build.buildId} names another job`;
  const tag = jobBuildTag(id);
  if (!build.tags.includes(tag)) return `build ${build.buildId} does not carry the job's build tag ${tag}`;
  // Each phase has its account: a publish build made as the builder, or the reverse, is not pkgrelay's.
  const account = build.phase === 'publish' ? publishServiceAccount : serviceAccount;
  if (account && accountEmail(build.serviceAccount) !== accountEmail(account))
    return `build ${build.buildId} runs as ${build.serviceAccount || 'the default service account'}, not as pkgrelay's ${build.phase === 'publish' ? 'publisher' : 'builder'} account for this repository`;
  return '';
}

// `projects/P/serviceAccounts/EMAIL`, `projects/-/serviceAccounts/EMAIL` and `EMAIL` name one account.
function accountEmail(value: string | undefined): string {
  return (value ?? '').split('/').pop()?.toLowerCase() ?? '';
}
