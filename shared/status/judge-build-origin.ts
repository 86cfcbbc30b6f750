import { jobBuildTag } from '../build/job-build-tag.js';
import type { BuildNotification } from '../build/read-build-notification.js';
import { jobKey, type JobId } from '../contracts/job-id.js';

export interface BuildOrigin {
  /** PKGRELAY_BUILD_SERVICE_ACCOUNT: the account pkgrelay's builds run as; unset, any account passes. */
  serviceAccount?: string | undefined;
}

/**
 * Why a build that the job has not recorded must not be taken as the job's, or '' when it may:
 * it must carry the job's substitutions and build tag and, when one is configured, run as pkgrelay's
 * build service account. Substitutions and tags are anyone's to set, so this keeps out builds made by
 * hand or by other tools; against someone who can create builds in the project it holds only with a
 * service account configured, and only while they cannot act as that account (iam.serviceAccountUser).
 * A job's recorded build id needs none of this: pkgrelay wrote it.
 */
export function judgeBuildOrigin(
  build: BuildNotification,
  id: JobId,
  { serviceAccount }: BuildOrigin,
): string {
  if (!build.job || jobKey(build.job) !== jobKey(id)) return `build ${build.buildId} names another job`;
  const tag = jobBuildTag(id);
  if (!build.tags.includes(tag)) return `build ${build.buildId} does not carry the job's build tag ${tag}`;
  if (serviceAccount && accountEmail(build.serviceAccount) !== accountEmail(serviceAccount))
    return `build ${build.buildId} runs as ${build.serviceAccount || 'the default service account'}, not as pkgrelay's build service account`;
  return '';
}

// `projects/P/serviceAccounts/EMAIL`, `projects/-/serviceAccounts/EMAIL` and `EMAIL` name one account.
function accountEmail(value: string | undefined): string {
  return (value ?? '').split('/').pop()?.toLowerCase() ?? '';
}
