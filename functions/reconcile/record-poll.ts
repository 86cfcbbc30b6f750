import { pollStateObjectPath } from '../../shared/contracts/job-id.js';
import type { DocumentStore } from '../../shared/ports/document-store.js';
import { MAX_LEFT_TAGS, PollState } from '../../shared/status/poll-state.js';
import { updateDocument } from '../../shared/status/update-document.js';
import type { ExistingTags } from '../../shared/upstream/plan-first-contact.js';

/** One poll of one repository, as its poll state records it. */
export interface PollMoment {
  store: DocumentStore;
  repository: string;
  intervalSeconds: number;
  now: Date;
  nextPollAt: string;
}

/** Records a poll that could not list the upstream: one more consecutive failure, and the backoff it waits out. */
export async function recordPollFailure(
  poll: PollMoment,
  error: { stage: 'token' | 'upstream'; message: string },
): Promise<void> {
  const at = poll.now.toISOString();
  await writePollState(poll, (current) => ({
    ...base(current, poll),
    lastPollAt: at,
    consecutiveFailures: (current?.consecutiveFailures ?? 0) + 1,
    nextPollAt: poll.nextPollAt,
    lastError: { at, ...error },
  }));
}

/** Records a listed upstream; at the first contact, also what it decided about the tags already there. */
export async function recordPollSuccess(
  poll: PollMoment,
  upstreamTags: number,
  firstContact: { existingTags: ExistingTags; build: string[]; left: string[] } | undefined,
): Promise<void> {
  const at = poll.now.toISOString();
  await writePollState(poll, (current) => ({
    ...base(current, poll),
    lastPollAt: at,
    lastSuccessAt: at,
    consecutiveFailures: 0,
    nextPollAt: poll.nextPollAt,
    upstreamTags,
    // A concurrent run that made first contact first keeps its decision.
    ...(current?.firstContact
      ? { firstContact: current.firstContact }
      : firstContact
        ? {
            firstContact: {
              at,
              existingTags: firstContact.existingTags,
              built: firstContact.build,
              left: firstContact.left.slice(-MAX_LEFT_TAGS),
            },
          }
        : {}),
  }));
}

function base(current: PollState | undefined, { repository, intervalSeconds }: PollMoment) {
  return { ...current, schemaVersion: 1 as const, repository, intervalSeconds };
}

async function writePollState(
  poll: PollMoment,
  next: (current: PollState | undefined) => PollState,
): Promise<void> {
  await updateDocument(poll.store, pollStateObjectPath(poll.repository), PollState, (current) => ({
    write: next(current),
  }));
}
