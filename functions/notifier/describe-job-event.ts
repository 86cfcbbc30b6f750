import type { JobEvent } from '../../shared/events/job-event.js';

/** A chat message's content, before a format's own markup: a headline, detail lines and a link. */
export interface EventSummary {
  headline: string;
  lines: string[];
  link: { url: string; label: string } | undefined;
}

/** What a person needs to read from an event: what happened to which tag, why, and where to look. */
export function describeJobEvent(event: JobEvent): EventSummary {
  const subject = `${event.repository} ${event.tag}`;
  const lines: string[] = [];
  let headline: string;
  if (event.type === 'drift' && event.drift) {
    const { drift } = event;
    headline =
      drift.kind === 'moved'
        ? `Tag moved upstream: ${subject} now points at ${short(drift.upstreamCommit)}, built from ${short(drift.recordedCommit)}`
        : `Tag deleted upstream: ${subject} (built from ${short(drift.recordedCommit)})`;
    lines.push(
      `Version ${event.version} stays as published (${event.state}); pkgrelay never puts another build under it.`,
      'Tag a new version to publish the new commit.',
    );
  } else if (event.state === 'failed') {
    headline = `Build failed: ${subject}`;
    if (event.error) lines.push(`${event.error.code}: ${event.error.message}`);
  } else if (event.state === 'skipped') {
    headline = `Skipped: ${subject} (${event.version})`;
    if (event.reason) lines.push(event.reason);
  } else {
    headline = `Published: ${event.distribution ?? subject} ${event.version}`;
    for (const artifact of event.artifacts ?? [])
      lines.push(`${artifact.filename} sha256:${artifact.sha256}`);
  }
  if (event.upstream && event.type !== 'drift') lines.push(`commit ${event.upstream.commit}`);
  lines.push(`attempt ${event.attempt}${event.package ? `, package ${event.package}` : ''}`);
  const link = event.build?.logUrl ? { url: event.build.logUrl, label: 'build log' } : undefined;
  return { headline, lines, link };
}

function short(commit: string | undefined): string {
  return commit ? commit.slice(0, 12) : 'nothing';
}
