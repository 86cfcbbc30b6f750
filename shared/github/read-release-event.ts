import type { z } from 'zod';
import { formatIssues } from '../contracts/release-request.js';
import type { Result } from '../contracts/result.js';
import type { SourceEvent } from '../ports/event-source.js';
import { CreatePayload, PingPayload, PushPayload, ReleasePayload } from './event-payloads.js';

const TAG_REF = 'refs/tags/';

/**
 * Maps a GitHub event name and its payload to the tag it announces, a ping, or the reason it is ignored;
 * an error when the payload is not shaped as GitHub sends it.
 */
export function readReleaseEvent(event: string, payload: unknown): Result<SourceEvent> {
  switch (event) {
    case 'ping': {
      const ping = parse(PingPayload, payload);
      if (!ping.success) return ping;
      return said({ kind: 'ping', hookId: ping.data.hook_id ?? ping.data.hook?.id });
    }
    case 'release': {
      const release = parse(ReleasePayload, payload);
      if (!release.success) return release;
      const { action, release: r, repository } = release.data;
      if (r.draft) return said({ kind: 'ignored', reason: `release ${action}: drafts are not published` });
      // "released" and "created" come with "published" for the same release; one event per release is enough.
      if (action !== 'published' && action !== 'prereleased') {
        return said({
          kind: 'ignored',
          reason: `release action "${action}" is not handled; only published and prereleased are`,
        });
      }
      return said({
        kind: 'tag',
        repository: repository.full_name,
        tag: r.tag_name,
        prerelease: r.prerelease || action === 'prereleased',
      });
    }
    case 'create': {
      const create = parse(CreatePayload, payload);
      if (!create.success) return create;
      if (create.data.ref_type !== 'tag') {
        return said({ kind: 'ignored', reason: `create of a ${create.data.ref_type}, not a tag` });
      }
      return said({
        kind: 'tag',
        repository: create.data.repository.full_name,
        tag: create.data.ref,
        prerelease: false,
      });
    }
    case 'push': {
      const push = parse(PushPayload, payload);
      if (!push.success) return push;
      const { ref, created, deleted, repository } = push.data;
      if (!ref.startsWith(TAG_REF)) return said({ kind: 'ignored', reason: `push to ${ref}, not a tag` });
      if (deleted) return said({ kind: 'ignored', reason: `push deleting tag ${ref.slice(TAG_REF.length)}` });
      if (!created)
        return said({ kind: 'ignored', reason: `push moving existing tag ${ref.slice(TAG_REF.length)}` });
      return said({
        kind: 'tag',
        repository: repository.full_name,
        tag: ref.slice(TAG_REF.length),
        prerelease: false,
      });
    }
    default:
      return said({
        kind: 'ignored',
        reason: `event "${event}" is not handled; pkgrelay listens to release, create and push`,
      });
  }
}

function said(event: SourceEvent): Result<SourceEvent> {
  return { success: true, data: event };
}

function parse<T>(schema: z.ZodType<T>, payload: unknown): Result<T> {
  const parsed = schema.safeParse(payload);
  if (parsed.success) return { success: true, data: parsed.data };
  return {
    success: false,
    error: `the payload is not shaped as expected: ${formatIssues(parsed.error)}`,
  };
}
