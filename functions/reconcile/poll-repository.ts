import {
  DEFAULT_POLL_SECONDS,
  parsePollInterval,
  type RepositoryConfig,
} from '../../shared/config/repository-config.js';
import { pollStateObjectPath } from '../../shared/contracts/job-id.js';
import type { Logger } from '../../shared/log/create-logger.js';
import type { DocumentStore } from '../../shared/ports/document-store.js';
import type { UpstreamTokens } from '../../shared/ports/upstream-tokens.js';
import { MAX_LEFT_TAGS, PollState } from '../../shared/status/poll-state.js';
import { readPollState } from '../../shared/status/read-poll-state.js';
import type { RepositoryIndex } from '../../shared/status/repository-index.js';
import { updateDocument } from '../../shared/status/update-document.js';
import { findMissingTags, type TagComparison } from '../../shared/upstream/find-missing-tags.js';
import { redactToken } from '../../shared/upstream/git-token-env.js';
import { planFirstContact } from '../../shared/upstream/plan-first-contact.js';
import { isPollDue, nextPollAt } from '../../shared/upstream/schedule-poll.js';
import type { UpstreamTags } from '../../shared/upstream/upstream-tags.js';
import type { PollReport, ReconcileError } from './reconcile-report.js';

export interface PollDeps {
  store: DocumentStore;
  upstream: UpstreamTags;
  tokens: UpstreamTokens;
  logger: Logger;
  clock: () => Date;
}

export type PollResult =
  | { due: false }
  | { due: true; report: PollReport; toEnqueue: TagComparison['missing']; error?: ReconcileError };

/**
 * Polls one repository if it is due (or `force`): reads its token if private, lists its tags once, and
 * decides what to enqueue, applying `existingTags` at the first contact. It records the outcome in the
 * poll state (backoff on failure) before anything is enqueued, unless `dryRun`.
 */
export async function pollRepository(
  { store, upstream, tokens, logger, clock }: PollDeps,
  repo: RepositoryConfig,
  index: RepositoryIndex | undefined,
  { force = false, dryRun = false }: { force?: boolean; dryRun?: boolean } = {},
): Promise<PollResult> {
  const repository = repo.repository;
  const intervalSeconds = pollIntervalSeconds(repo);
  const state = await readPollState(store, repository);
  const now = clock();
  if (!force && !isPollDue(state, now, intervalSeconds)) return { due: false };

  let token: string | undefined;
  let stage: 'token' | 'upstream' = 'token';
  let tags: string[];
  try {
    // The same secret the builds clone with: one token per repository, never shared.
    if (repo.private && repo.tokenSecret) token = await tokens.read(repo.tokenSecret);
    stage = 'upstream';
    tags = await upstream.list(repository, token ? { token } : {});
  } catch (error) {
    const message = redactToken((error as Error).message, token);
    const failures = (state?.consecutiveFailures ?? 0) + 1;
    const next = nextPollAt(now, intervalSeconds, failures).toISOString();
    if (!dryRun)
      await writePollState(store, repository, (current) => ({
        ...base(current, repository, intervalSeconds),
        lastPollAt: now.toISOString(),
        consecutiveFailures: (current?.consecutiveFailures ?? 0) + 1,
        nextPollAt: next,
        lastError: { at: now.toISOString(), stage, message },
      }));
    logger.warn('upstream not polled; retried with backoff', {
      repository,
      stage,
      reason: message,
      consecutiveFailures: failures,
      nextPollAt: next,
    });
    return {
      due: true,
      toEnqueue: [],
      error: { repository, stage, message },
      report: {
        repository,
        ok: false,
        consecutiveFailures: failures,
        nextPollAt: next,
        error: message,
        toBuild: [],
      },
    };
  }

  const comparison = findMissingTags(repo, tags, new Set(index?.jobs.map((job) => job.tag)));
  const next = nextPollAt(now, intervalSeconds, 0).toISOString();
  const existingTags = repo.existingTags ?? 'all';
  let toEnqueue = comparison.missing;
  let firstContact: PollReport['firstContact'];
  if (!state?.firstContact) {
    const plan = planFirstContact(comparison.missing, existingTags);
    toEnqueue = plan.build;
    firstContact = { existingTags, build: plan.build.map((t) => t.tag), left: plan.left.map((t) => t.tag) };
  } else {
    const left = new Set(state.firstContact.left);
    toEnqueue = comparison.missing.filter((entry) => !left.has(entry.tag));
  }
  if (!dryRun) {
    await writePollState(store, repository, (current) => ({
      ...base(current, repository, intervalSeconds),
      lastPollAt: now.toISOString(),
      lastSuccessAt: now.toISOString(),
      consecutiveFailures: 0,
      nextPollAt: next,
      upstreamTags: tags.length,
      // A concurrent run that made first contact first keeps its decision.
      ...(current?.firstContact
        ? { firstContact: current.firstContact }
        : firstContact
          ? {
              firstContact: {
                at: now.toISOString(),
                existingTags,
                built: firstContact.build,
                left: firstContact.left.slice(-MAX_LEFT_TAGS),
              },
            }
          : {}),
    }));
    if (firstContact)
      logger.info('first contact with an upstream', {
        repository,
        existingTags,
        build: firstContact.build.length,
        left: firstContact.left.length,
      });
  }
  return {
    due: true,
    toEnqueue,
    report: {
      repository,
      ok: true,
      upstreamTags: tags.length,
      consecutiveFailures: 0,
      nextPollAt: next,
      toBuild: toEnqueue.map((entry) => entry.tag),
      ignored: comparison.ignored.length,
      ...(firstContact ? { firstContact } : {}),
    },
  };
}

/** The repository's poll interval in seconds (`pollInterval`, default 5 minutes). */
export function pollIntervalSeconds(repo: RepositoryConfig): number {
  return (repo.pollInterval && parsePollInterval(repo.pollInterval)) || DEFAULT_POLL_SECONDS;
}

function base(current: PollState | undefined, repository: string, intervalSeconds: number) {
  return { ...current, schemaVersion: 1 as const, repository, intervalSeconds };
}

async function writePollState(
  store: DocumentStore,
  repository: string,
  next: (current: PollState | undefined) => PollState,
): Promise<void> {
  await updateDocument(store, pollStateObjectPath(repository), PollState, (current) => ({
    write: next(current),
  }));
}
