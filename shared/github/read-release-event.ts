import type { z } from 'zod';
import { formatIssues } from '../contracts/release-request.js';
import { CreatePayload, PingPayload, PushPayload, ReleasePayload } from './event-payloads.js';

/** What one GitHub delivery says, before the configuration is asked. */
export type GitHubEvent =
  | { kind: 'tag'; repository: string; tag: string; prerelease: boolean }
  | { kind: 'ping'; hookId: number | undefined }
  | { kind: 'ignored'; reason: string }
  | { kind: 'invalid'; reason: string };

const TAG_REF = 'refs/tags/';

/** Maps an event name and its payload to the tag it announces, a ping, or the reason it is ignored. */
export function readReleaseEvent(event: string, payload: unknown): GitHubEvent {
  switch (event) {
    case 'ping': {
      const ping = parse(PingPayload, payload);
      if (!ping.success) return ping.invalid;
      return { kind: 'ping', hookId: ping.data.hook_id ?? ping.data.hook?.id };
    }
    case 'release': {
      const release = parse(ReleasePayload, payload);
      if (!release.success) return release.invalid;
      const { action, release: r, repository } = release.data;
      if (r.draft) return { kind: 'ignored', reason: `release ${action}: drafts are not published` };
      // "released" and "created" come with "published" for the same release; one event per release is enough.
      if (action !== 'published' && action !== 'prereleased') {
        return {
          kind: 'ignored',
          reason: `release action "${action}" is not handled; only published and prereleased are`,
        };
      }
      return {
        kind: 'tag',
        repository: repository.full_name,
        tag: r.tag_name,
        prerelease: r.prerelease || action === 'prereleased',
      };
    }
    case 'create': {
      const create = parse(CreatePayload, payload);
      if (!create.success) return create.invalid;
      if (create.data.ref_type !== 'tag') {
        return { kind: 'ignored', reason: `create of a ${create.data.ref_type}, not a tag` };
      }
      return {
        kind: 'tag',
        repository: create.data.repository.full_name,
        tag: create.data.ref,
        prerelease: false,
      };
    }
    case 'push': {
      const push = parse(PushPayload, payload);
      if (!push.success) return push.invalid;
      const { ref, created, deleted, repository } = push.data;
      if (!ref.startsWith(TAG_REF)) return { kind: 'ignored', reason: `push to ${ref}, not a tag` };
      if (deleted) return { kind: 'ignored', reason: `push deleting tag ${ref.slice(TAG_REF.length)}` };
      if (!created)
        return { kind: 'ignored', reason: `push moving existing tag ${ref.slice(TAG_REF.length)}` };
      return {
        kind: 'tag',
        repository: repository.full_name,
        tag: ref.slice(TAG_REF.length),
        prerelease: false,
      };
    }
    default:
      return {
        kind: 'ignored',
        reason: `event "${event}" is not handled; pkgrelay listens to release, create and push`,
      };
  }
}

function parse<T>(
  schema: z.ZodType<T>,
  payload: unknown,
): { success: true; data: T } | { success: false; invalid: GitHubEvent } {
  const parsed = schema.safeParse(payload);
  if (parsed.success) return { success: true, data: parsed.data };
  return {
    success: false,
    invalid: {
      kind: 'invalid',
      reason: `the payload is not shaped as expected: ${formatIssues(parsed.error)}`,
    },
  };
}
