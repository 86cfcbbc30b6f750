import { builderAccountOf } from '../../shared/build/name-builder-account.js';
import { readRepositories } from '../../shared/config/load-config.js';
import { listPackages } from '../../shared/config/list-packages.js';

/** The build-time accounts of the local stack, named as `pkgrelay deploy` names them. */
export function localServiceAccounts(projectId: string): { builder: string; publisher: string } {
  return {
    builder: `pkgrelay-builds@${projectId}.iam.gserviceaccount.com`,
    publisher: `pkgrelay-publisher@${projectId}.iam.gserviceaccount.com`,
  };
}

/**
 * The secrets each account may read, from the repositories file as the deploy grants them: a private
 * repository's builder account its own token, no other account any. Read per build, as IAM answers now.
 */
export function readSecretAccess(
  configPath: string,
  projectId: string,
  { builder }: { builder: string },
): (account: string) => Promise<readonly string[]> {
  return async (account) => {
    const repositories = readRepositories(configPath);
    return repositories.flatMap((repo) => {
      const own = builderAccountOf(repo, { projectId, buildServiceAccount: builder })?.split('/').pop();
      if (!repo.private || own?.toLowerCase() !== account.toLowerCase()) return [];
      return listPackages(repo).flatMap((pkg) => (pkg.tokenSecret ? [pkg.tokenSecret] : []));
    });
  };
}
