import { pollStateObjectPath } from '../contracts/job-id.js';
import type { DocumentStore } from '../ports/document-store.js';
import { PollState } from './poll-state.js';
import { readDocument } from './read-document.js';

/** The repository's poll state; undefined before its first poll. One that does not parse throws: it is evidence. */
export async function readPollState(
  store: DocumentStore,
  repository: string,
): Promise<PollState | undefined> {
  return readDocument(store, pollStateObjectPath(repository), PollState);
}
