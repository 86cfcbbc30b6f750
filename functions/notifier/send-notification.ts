import type { NotificationRequest } from './create-notification-request.js';

export type SendResult = { status: number; body: string } | { status: 0; body: string };

/** POSTs one notification with a deadline; a network error or timeout is status 0, never a throw. */
export async function sendNotification(
  request: NotificationRequest,
  timeoutMs = 10_000,
): Promise<SendResult> {
  try {
    const response = await fetch(request.url, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
      redirect: 'error',
      signal: AbortSignal.timeout(timeoutMs),
    });
    return { status: response.status, body: (await response.text()).slice(0, 500) };
  } catch (error) {
    return { status: 0, body: error instanceof Error ? error.message : String(error) };
  }
}

/** A refusal a retry cannot change (a wrong or revoked URL, a payload refused); 408 and 429 pass with time. */
export function isPermanentRefusal(status: number): boolean {
  return status >= 400 && status < 500 && status !== 408 && status !== 429;
}
