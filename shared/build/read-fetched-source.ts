import { UpstreamSource } from '../status/upstream-source.js';

/** The commit and tree the fetch step reports, also when it refused a moved tag; undefined when it said nothing usable. */
export function readFetchedSource(output: unknown): UpstreamSource | undefined {
  if (typeof output !== 'object' || output === null) return undefined;
  const { commit, tree, error } = output as {
    commit?: unknown;
    tree?: unknown;
    error?: { source?: unknown };
  };
  const parsed = UpstreamSource.safeParse(commit !== undefined ? { commit, tree } : error?.source);
  return parsed.success ? parsed.data : undefined;
}
