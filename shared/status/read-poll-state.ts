import { pollStateObjectPath } from '../contracts/job-id.js';
import { UnreadableDocumentError } from '../errors.js';
import type { DocumentStore } from '../ports/document-store.js';
import { describeIssues } from './describe-issues.js';
import { PollState } from './poll-state.js';

/** The repository's poll state; undefined before its first poll. One that does not parse throws: it is evidence. */
export async function readPollState(
  store: DocumentStore,
  repository: string,
): Promise<PollState | undefined> {
  const path = pollStateObjectPath(repository);
  const stored = await store.read(path);
  if (!stored) return undefined;
  const parsed = PollState.safeParse(stored.data);
  if (!parsed.success)
    throw new UnreadableDocumentError(path, stored.problem ?? describeIssues(parsed.error));
  return parsed.data;
}
