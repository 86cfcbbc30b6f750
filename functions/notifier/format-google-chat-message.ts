import type { JobEvent } from '../../shared/events/job-event.js';
import type { EventSummary } from './describe-job-event.js';

/**
 * A Google Chat incoming-webhook message: `text` with Chat's own markup (`*bold*`, `<url|label>`), in a
 * thread per job (`thread.threadKey`), so a tag's failures and its later publication read together.
 */
export function formatGoogleChatMessage(summary: EventSummary, event: JobEvent): Record<string, unknown> {
  const body = [`*${summary.headline}*`, ...summary.lines];
  if (summary.link) body.push(`<${summary.link.url}|${summary.link.label}>`);
  return {
    text: body.join('\n').slice(0, TEXT_LIMIT),
    thread: { threadKey: `pkgrelay-${event.repository.toLowerCase()}-${event.tag}`.slice(0, 4000) },
  };
}

// Chat's limit on one message's text is 4096 characters.
const TEXT_LIMIT = 4096;

/** The webhook URL with the option that makes a thread key start a thread when none exists yet. */
export function googleChatUrl(url: string): string {
  const target = new URL(url);
  target.searchParams.set('messageReplyOption', 'REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD');
  return target.toString();
}
