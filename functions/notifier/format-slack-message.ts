import type { EventSummary } from './describe-job-event.js';

/**
 * A Slack incoming-webhook message: `text` is the notification's fallback, a section block the body in
 * mrkdwn. `&`, `<` and `>` are escaped, so text from a build never becomes a link or an @channel.
 */
export function formatSlackMessage(summary: EventSummary): Record<string, unknown> {
  const body = [`*${escape(summary.headline)}*`, ...summary.lines.map(escape)];
  if (summary.link) body.push(`<${escape(summary.link.url)}|${escape(summary.link.label)}>`);
  return {
    text: summary.headline,
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: cap(body.join('\n'), SECTION_TEXT_LIMIT) } }],
  };
}

// Slack refuses a section whose text passes 3000 characters.
const SECTION_TEXT_LIMIT = 3000;

function escape(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

function cap(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}\u2026`;
}
