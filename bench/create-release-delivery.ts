import { randomUUID } from 'node:crypto';
import { releasePayload } from '../local/github/send-delivery.js';
import { signPayload } from '../shared/github/verify-signature.js';

export interface SignedDelivery {
  body: string;
  headers: Record<string, string>;
}

/** The size of a typical GitHub `release` delivery: URLs, user and repository objects, release notes. */
export const DELIVERY_BYTES = 7 * 1024;

/** A `release published` delivery padded with release notes to `bytes`, signed with `secret` as GitHub signs it. */
export function createReleaseDelivery(
  repository: string,
  tag: string,
  secret: string,
  { bytes = DELIVERY_BYTES, deliveryId = randomUUID() }: { bytes?: number; deliveryId?: string } = {},
): SignedDelivery {
  const base = releasePayload(repository, tag);
  const unpadded = JSON.stringify({ ...base, release: { ...base.release, body: '' } });
  const notes = '* a change worth a line in the release notes. '
    .repeat(Math.ceil(bytes / 40))
    .slice(0, Math.max(0, bytes - Buffer.byteLength(unpadded)));
  const body = JSON.stringify({ ...base, release: { ...base.release, body: notes } });
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'user-agent': 'GitHub-Hookshot/pkgrelay-bench',
      'x-github-event': 'release',
      'x-github-delivery': deliveryId,
      'x-hub-signature-256': signPayload(body, secret),
    },
  };
}
