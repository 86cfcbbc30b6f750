import { z } from 'zod';

export const CatalogOp = ['add', 'replace', 'remove'] as const;

const Entry = z.record(z.string(), z.unknown()).nullable();

/** One change of the served repositories, kept as its own create-only object: who, when, what it was and became. */
export const CatalogChange = z.object({
  schemaVersion: z.literal(1),
  op: z.enum(CatalogOp),
  repository: z.string(),
  by: z.string(),
  at: z.iso.datetime(),
  /** The generation of the document the change was made to ('0': there was none). */
  fromGeneration: z.string(),
  /** The generation the change produced; known once the document was written. */
  generation: z.string().optional(),
  before: Entry,
  after: Entry,
});
export type CatalogChange = z.infer<typeof CatalogChange>;

/** The custom metadata key that carries a change on the document generation it produced. */
export const CHANGE_METADATA_KEY = 'pkgrelay-change';

/** `changes/<time>_<op>_<owner>_<name>.json` beside the document: names sort by time; owners hold no "_". */
export function changeObjectPath(changesPrefix: string, change: CatalogChange): string {
  const stamp = change.at.replace(/:/g, '-');
  const [owner, name] = change.repository.split('/');
  return `${changesPrefix}${stamp}_${change.op}_${owner}_${name}.json`;
}

/** The repository a change object's name is about (lowercase), or undefined for another object. */
export function repositoryOfChangePath(changesPrefix: string, path: string): string | undefined {
  const match = /^[^_]+_[a-z]+_([^_]+)_(.+)\.json$/.exec(path.slice(changesPrefix.length));
  return match ? `${match[1]}/${match[2]}`.toLowerCase() : undefined;
}
