import { repositoryKey } from '../../shared/contracts/repository-name.js';
import { CatalogChange, repositoryOfChangePath } from './catalog-change.js';
import type { CatalogTarget } from './open-catalog.js';

/** The recorded changes of one repository, newest first, at most `limit`; a record that does not parse is named as such. */
export async function listChanges(
  target: CatalogTarget,
  repository: string,
  limit = 10,
): Promise<Array<CatalogChange | { path: string; unreadable: string }>> {
  const [files] = await target.bucket.getFiles({ prefix: target.changesPrefix, autoPaginate: true });
  const key = repositoryKey(repository);
  const mine = files
    .map((file) => file.name)
    .filter((name) => repositoryOfChangePath(target.changesPrefix, name) === key)
    .sort()
    .reverse()
    .slice(0, limit);
  return Promise.all(
    mine.map(async (path) => {
      try {
        const [contents] = await target.bucket.file(path).download();
        const parsed = CatalogChange.safeParse(JSON.parse(contents.toString('utf8')));
        return parsed.success ? parsed.data : { path, unreadable: parsed.error.message };
      } catch (error) {
        return { path, unreadable: (error as Error).message };
      }
    }),
  );
}
