import { createHash } from 'node:crypto';
import { repositoryKey } from '../contracts/repository-name.js';

/** The builder account id of a private repository: its builds alone may read its token (6–30 characters). */
export function privateBuilderAccountId(repository: string): string {
  return `pkgrelay-src-${createHash('sha256').update(repositoryKey(repository)).digest('hex').slice(0, 12)}`;
}

/**
 * The account a repository's build phase runs as. None has registry rights; a private repository's is
 * its own and may read only its token. Unset when no public builder is configured (accounts unmanaged).
 */
export function builderAccountOf(
  repo: { repository: string; private: boolean },
  { projectId, buildServiceAccount }: { projectId: string; buildServiceAccount?: string | undefined },
): string | undefined {
  if (!buildServiceAccount) return undefined;
  if (!repo.private) return buildServiceAccount;
  const email = `${privateBuilderAccountId(repo.repository)}@${projectId}.iam.gserviceaccount.com`;
  // In the form the public builder is given: Cloud Build wants `projects/P/serviceAccounts/EMAIL`.
  return buildServiceAccount.includes('/') ? `projects/${projectId}/serviceAccounts/${email}` : email;
}
