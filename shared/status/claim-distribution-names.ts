import { z } from 'zod';
import { listPackages } from '../config/list-packages.js';
import type { RepositoryConfig } from '../config/repository-config.js';
import { repositoryKey } from '../contracts/repository-name.js';
import type { DocumentStore } from '../ports/document-store.js';
import { normalizeName } from '../registry/normalize-name.js';
import { updateDocument } from './update-document.js';

/** `names/<normalized name>.json`: which repository published a distribution name first. */
export const NameClaim = z.object({
  schemaVersion: z.literal(1),
  name: z.string(),
  repository: z.string(),
  claimedAt: z.iso.datetime(),
});
export type NameClaim = z.infer<typeof NameClaim>;

export type ClaimResult = { success: true; data: string[] } | { success: false; error: string };

/**
 * The normalized names a repository's publish phase may publish: a package's configured
 * distributionName, else the names its build made, each claimed create-only for the repository at
 * first publication. A name another repository claimed or configures is refused, naming that repository.
 */
export async function claimDistributionNames(
  store: DocumentStore,
  repository: string,
  { configured, built }: { configured: string | undefined; built: readonly string[] },
  repositories: readonly RepositoryConfig[],
  now: Date,
): Promise<ClaimResult> {
  if (configured) return { success: true, data: [normalizeName(configured)] };
  const names = [...new Set(built.map(normalizeName))].sort();
  if (names.length === 0) return { success: false, error: 'the build reported no distribution files' };
  const own = repositoryKey(repository);
  for (const name of names) {
    const owner = configuredOwner(name, repositories);
    if (owner && repositoryKey(owner) !== own)
      return { success: false, error: refusal(name, owner, 'configures it as its distributionName') };
    let holder = repository;
    await updateDocument(store, `names/${name}.json`, NameClaim, (current) => {
      holder = current?.repository ?? repository;
      return current
        ? { keep: true }
        : { write: { schemaVersion: 1 as const, name, repository, claimedAt: now.toISOString() } };
    });
    if (repositoryKey(holder) !== own)
      return { success: false, error: refusal(name, holder, 'published it first') };
  }
  return { success: true, data: names };
}

function configuredOwner(name: string, repositories: readonly RepositoryConfig[]): string | undefined {
  return repositories.find((repo) =>
    listPackages(repo).some((pkg) => pkg.distributionName && normalizeName(pkg.distributionName) === name),
  )?.repository;
}

function refusal(name: string, owner: string, why: string): string {
  return `the build made distribution "${name}", which belongs to ${owner} (it ${why}); a repository's builds publish only its own names`;
}
