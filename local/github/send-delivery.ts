import { randomUUID } from 'node:crypto';
import { signPayload } from '../../shared/github/verify-signature.js';

export interface Delivery {
  url: string;
  secret: string;
  event: string;
  payload: unknown;
  deliveryId?: string;
}

/** Sends a delivery exactly as GitHub does: JSON body, X-GitHub-Event, X-GitHub-Delivery and X-Hub-Signature-256. */
export async function sendDelivery({ url, secret, event, payload, deliveryId = randomUUID() }: Delivery) {
  const body = JSON.stringify(payload);
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'GitHub-Hookshot/pkgrelay',
      'x-github-event': event,
      'x-github-delivery': deliveryId,
      'x-hub-signature-256': signPayload(body, secret),
    },
    body,
  });
  const text = await response.text();
  let json: unknown = undefined;
  try {
    json = JSON.parse(text);
  } catch {
    // Not every answer is JSON; keep the text.
  }
  return { status: response.status, body: json ?? text, deliveryId };
}

/** The fields of a `release` event that matter, shaped as GitHub sends them. */
export function releasePayload(repository: string, tag: string, action = 'published', prerelease = false) {
  const [owner = '', name = ''] = repository.split('/');
  return {
    action,
    release: {
      tag_name: tag,
      name: tag,
      draft: false,
      prerelease,
      html_url: `https://github.com/${repository}/releases/tag/${tag}`,
    },
    repository: {
      name,
      full_name: repository,
      owner: { login: owner },
      private: false,
      html_url: `https://github.com/${repository}`,
    },
    sender: { login: owner },
  };
}
