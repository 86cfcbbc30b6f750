import {
  DEFAULT_POLL_SECONDS,
  parsePollInterval,
  type RepositoryConfig,
} from '../../shared/config/repository-config.js';
import type { Result } from '../../shared/contracts/result.js';
import type { Logger } from '../../shared/log/create-logger.js';
import type { DocumentStore } from '../../shared/ports/document-store.js';
import type { UpstreamTokens } from '../../shared/ports/upstream-tokens.js';
import type { PollState } from '../../shared/status/poll-state.js';
import { readPollState } from '../../shared/status/read-poll-state.js';
import type { RepositoryIndex } from '../../shared/status/repository-index.js';
import { findMissingTags, type TagComparison } from '../../shared/upstream/find-missing-tags.js';
import { redactToken } from '../../shared/upstream/git-token-env.js';
import { planFirstContact, type ExistingTags } from '../../shared/upstream/plan-first-contact.js';
import { isPollDue, nextPollAt } from '../../shared/upstream/schedule-poll.js';
import type { UpstreamTags } from '../../shared/upstream/upstream-tags.js';
import type { PollReport, ReconcileError } from './reconcile-report.js';
import { recordPollFailure, recordPollSuccess } from './record-poll.js';

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

  const listed = await listTags(upstream, tokens, repo);
  if (!listed.success) {
    const { stage, message } = listed.error;
    const failures = (state?.consecutiveFailures ?? 0) + 1;
    const next = nextPollAt(now, intervalSeconds, failures).toISOString();
    const poll = { store, repository, intervalSeconds, now, nextPollAt: next };
    if (!dryRun) await recordPollFailure(poll, listed.error);
    logger.warn('upstream not polled; retried with backoff', {
      repository,
      stage,
      reason: message,
      consecutiveFailures: failures,
      nextPollAt: next,
    });
    const report = { repository, ok: false, consecutiveFailures: failures, nextPollAt: next, error: message };
    return {
      due: true,
      toEnqueue: [],
      error: { repository, stage, message },
      report: { ...report, toBuild: [] },
    };
  }

  const tags = listed.data;
  const comparison = findMissingTags(repo, tags, new Set(index?.jobs.map((job) => job.tag)));
  const { toEnqueue, firstContact } = chooseTagsToBuild(
    state,
    comparison.missing,
    repo.existingTags ?? 'all',
  );
  const next = nextPollAt(now, intervalSeconds, 0).toISOString();
  if (!dryRun) {
    await recordPollSuccess(
      { store, repository, intervalSeconds, now, nextPollAt: next },
      tags.length,
      firstContact,
    );
    if (firstContact)
      logger.info('first contact with an upstream', {
        repository,
        existingTags: firstContact.existingTags,
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

// The same secret the builds clone with: one token per repository, never shared.
async function listTags(
  upstream: UpstreamTags,
  tokens: UpstreamTokens,
  repo: RepositoryConfig,
): Promise<Result<string[], { stage: 'token' | 'upstream'; message: string }>> {
  let token: string | undefined;
  let stage: 'token' | 'upstream' = 'token';
  try {
    if (repo.private && repo.tokenSecret) token = await tokens.read(repo.tokenSecret);
    stage = 'upstream';
    return { success: true, data: await upstream.list(repo.repository, token ? { token } : {}) };
  } catch (error) {
    return { success: false, error: { stage, message: redactToken((error as Error).message, token) } };
  }
}

// At the first contact `existingTags` decides which tags already upstream are built; later, those it left stay left.
function chooseTagsToBuild(
  state: PollState | undefined,
  missing: TagComparison['missing'],
  existingTags: ExistingTags,
): { toEnqueue: TagComparison['missing']; firstContact?: NonNullable<PollReport['firstContact']> } {
  if (state?.firstContact) {
    const left = new Set(state.firstContact.left);
    return { toEnqueue: missing.filter((entry) => !left.has(entry.tag)) };
  }
  const plan = planFirstContact(missing, existingTags);
  return {
    toEnqueue: plan.build,
    firstContact: { existingTags, build: plan.build.map((t) => t.tag), left: plan.left.map((t) => t.tag) },
  };
}

/** The repository's poll interval in seconds (`pollInterval`, default 5 minutes). */
export function pollIntervalSeconds(repo: RepositoryConfig): number {
  return (repo.pollInterval && parsePollInterval(repo.pollInterval)) || DEFAULT_POLL_SECONDS;
}
