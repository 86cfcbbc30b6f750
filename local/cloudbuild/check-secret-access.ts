import type { SecretManagerSecret } from './build-types.js';

/** Which secrets an account may read (secretmanager.versions.access), as IAM would answer. */
export type SecretAccess = (serviceAccount: string) => Promise<readonly string[]>;

/**
 * The first secret the build's service account may not read, as Cloud Build reports it, or ''.
 * `serviceAccount` is the build's field (`projects/P/serviceAccounts/EMAIL`, or EMAIL); '' is the default account.
 */
export async function checkSecretAccess(
  access: SecretAccess | undefined,
  serviceAccount: string,
  secrets: readonly SecretManagerSecret[],
): Promise<string> {
  if (!access || secrets.length === 0) return '';
  const allowed = new Set(await access(serviceAccount.split('/').pop() ?? ''));
  for (const { versionName } of secrets) {
    const name = /^projects\/[^/]+\/secrets\/([A-Za-z0-9_-]+)\//.exec(versionName)?.[1] ?? '';
    if (!allowed.has(name))
      return `failed to access secret version for secret ${versionName}: rpc error: code = PermissionDenied desc = Permission 'secretmanager.versions.access' denied for resource '${versionName}' (or it may not exist).`;
  }
  return '';
}
