import { repositoryKey } from '../../shared/contracts/repository-name.js';
import { CliError, ExitCode } from '../exit-codes.js';
import type { CatalogEdit, RawEntry } from './edit-catalog.js';

const sameRepository = (entry: RawEntry, repository: string): boolean =>
  typeof entry['repository'] === 'string' && repositoryKey(entry['repository']) === repositoryKey(repository);

/** Adds an entry; one for the same repository is refused unless `replace`, then it is replaced in place. */
export function planAdd(entry: RawEntry & { repository: string }, replace: boolean) {
  return (entries: RawEntry[]): CatalogEdit => {
    const index = entries.findIndex((existing) => sameRepository(existing, entry.repository));
    const before = entries[index];
    if (!before)
      return {
        op: 'add',
        repository: entry.repository,
        before: null,
        after: entry,
        entries: [...entries, entry],
      };
    if (!replace)
      throw new CliError(
        `${String(before['repository'])} is served already; pass --replace to change its entry`,
        ExitCode.failed,
      );
    const next = entries.map((existing, at) => (at === index ? entry : existing));
    return { op: 'replace', repository: entry.repository, before, after: entry, entries: next };
  };
}

/** Removes the entry of a repository; one that is not served is refused. */
export function planRemove(repository: string) {
  return (entries: RawEntry[]): CatalogEdit => {
    const before = entries.find((existing) => sameRepository(existing, repository));
    if (!before) throw new CliError(`${repository} is not served; nothing to remove`, ExitCode.failed);
    return {
      op: 'remove',
      repository: String(before['repository']),
      before,
      after: null,
      entries: entries.filter((existing) => existing !== before),
    };
  };
}
