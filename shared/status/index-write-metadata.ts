import type { DocumentStat } from '../ports/document-store.js';
import { Badge } from './repository-index.js';

const FOLLOWS_KEY = 'pkgrelay-follows';
const WRITTEN_AT_KEY = 'pkgrelay-written-at';
const BADGE_KEY = 'pkgrelay-badge';
const TOOK_KEY = 'pkgrelay-took-ms';

/** The generation of an object that was absent, as `ifGenerationMatch` names it. */
export const ABSENT_GENERATION = '0';

/**
 * What each index write records beside the index, so that waiting jobs learn from a metadata-only
 * read, whatever the number of jobs, whether it took them in and which badge it implies.
 */
export interface IndexWrite {
  /** The generation this write replaced (its compare-and-swap), read before the listing it came from. */
  follows: string;
  /** When it was written (writer's clock, ms since the epoch): writers pace themselves by it. */
  writtenAt: number;
  /** How long its writer took from looking at the index to having the next ready (the listing, mostly), not its wait to write. */
  tookMs: number;
  /** The badge the index implies; undefined before any publish. */
  badge: Badge | undefined;
}

/** The custom metadata an index write carries. */
export function indexWriteMetadata({
  follows,
  writtenAt,
  tookMs,
  badge,
}: IndexWrite): Record<string, string> {
  return {
    [FOLLOWS_KEY]: follows,
    [WRITTEN_AT_KEY]: String(writtenAt),
    [TOOK_KEY]: String(tookMs),
    ...(badge ? { [BADGE_KEY]: JSON.stringify(badge) } : {}),
  };
}

/** What an index object's metadata says of its write; undefined when it was not written so (older writers). */
export function readIndexWrite(stat: DocumentStat): IndexWrite | undefined {
  const follows = stat.metadata?.[FOLLOWS_KEY];
  const writtenAt = Number(stat.metadata?.[WRITTEN_AT_KEY]);
  if (!follows || !Number.isFinite(writtenAt)) return undefined;
  const took = Number(stat.metadata?.[TOOK_KEY] ?? 0);
  return {
    follows,
    writtenAt,
    tookMs: Number.isFinite(took) && took > 0 ? took : 0,
    badge: parseBadge(stat.metadata?.[BADGE_KEY]),
  };
}

function parseBadge(text: string | undefined): Badge | undefined {
  if (text === undefined) return undefined;
  try {
    const parsed = Badge.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
