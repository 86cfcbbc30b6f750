import { jobObjectPath } from '../contracts/job-id.js';
import type { JobStatus } from '../status/job-status.js';
import type { JobEvent, JobEventType } from './job-event.js';

/** The events a stored change of a job yields: one per history entry it added, and one when drift appeared. */
export function jobEventsOf(before: JobStatus | undefined, after: JobStatus): JobEvent[] {
  const seen = before?.history.length ?? 0;
  const events = after.history.slice(seen).map((entry, offset) => {
    const previous = after.history[seen + offset - 1]?.state;
    return eventOf(after, 'transition', entry.at, `${seen + offset}`, {
      state: entry.state,
      ...(previous ? { previousState: previous } : {}),
      ...(entry.note ? { note: entry.note } : {}),
    });
  });
  if (after.drift && after.drift.noticedAt !== before?.drift?.noticedAt) {
    events.push(eventOf(after, 'drift', after.drift.noticedAt, `drift-${after.drift.noticedAt}`, {}));
  }
  return events;
}

function eventOf(
  job: JobStatus,
  type: JobEventType,
  at: string,
  key: string,
  fields: Partial<JobEvent>,
): JobEvent {
  const final = fields.state === undefined || fields.state === job.state;
  return {
    schemaVersion: 1,
    id: `${job.repository.toLowerCase()}@${job.tag}#${job.attempt}/${key}`,
    type,
    at,
    repository: job.repository,
    tag: job.tag,
    version: job.version,
    ...(job.package ? { package: job.package } : {}),
    ...(job.distribution ? { distribution: job.distribution } : {}),
    attempt: job.attempt,
    state: job.state,
    ...fields,
    // What a later state added (an error, artifacts) belongs only to the event of that state.
    ...(final && job.reason ? { reason: job.reason } : {}),
    ...(final && job.error
      ? {
          error: {
            code: job.error.code,
            message: job.error.message,
            ...(job.error.step ? { step: job.error.step } : {}),
          },
        }
      : {}),
    ...(job.build
      ? { build: { id: job.build.id, ...(job.build.logUrl ? { logUrl: job.build.logUrl } : {}) } }
      : {}),
    ...(final && job.artifacts.length
      ? { artifacts: job.artifacts.map(({ filename, sha256 }) => ({ filename, sha256 })) }
      : {}),
    ...(job.upstream ? { upstream: job.upstream } : {}),
    ...(job.drift ? { drift: job.drift } : {}),
    statusPath: jobObjectPath(job),
  };
}
