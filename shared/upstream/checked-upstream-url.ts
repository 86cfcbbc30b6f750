import { RepositoryName } from '../contracts/repository-name.js';
import { upstreamUrl } from './upstream-url.js';

/** The upstream URL handed to git, for GitHub's own spelling of a name only; throws for anything else. */
export function checkedUpstreamUrl(upstreamBase: string, repository: string): string {
  if (!RepositoryName.safeParse(repository).success)
    throw new Error(`"${repository}" is not an owner/name repository`);
  const url = upstreamUrl(upstreamBase, repository);
  if (url.startsWith('-')) throw new Error(`the upstream URL ${url} is not a URL`);
  return url;
}
