import { z } from 'zod';
import { RepositoryName } from './repository-name.js';
import type { Result } from './result.js';
import { TagName } from './tag-name.js';

export const RequestSource = ['webhook', 'manual', 'reconcile'] as const;

/** The one message on topic pkgrelay-releases; the smallest valid one is `{"repository":"owner/name","tag":"v1.2.3"}`. */
export const ReleaseRequest = z
  .object({
    repository: RepositoryName,
    tag: TagName,
    force: z.boolean().optional(),
    source: z
      .object({
        // GitHub-only: a webhook request names no source; a second source adds one here (and to the job key).
        kind: z.enum(RequestSource),
        deliveryId: z.string().max(200).optional(),
        event: z.string().max(100).optional(),
        actor: z
          .string()
          .max(200)
          .optional()
          .describe(
            'Who or what asked: a person (user@host) for `pkgrelay trigger`, Cloud Scheduler for reconcile',
          ),
      })
      .optional(),
    requestedAt: z.iso.datetime().optional(),
  })
  .strict();

export type ReleaseRequest = z.infer<typeof ReleaseRequest>;

/** A parse's outcome: the one Result shape, with the problems in words. */
export type ParseResult<T> = Result<T>;

/** Reads a release request from raw message bytes; the error names every problem. */
export function parseReleaseRequest(bytes: Uint8Array | string): ParseResult<ReleaseRequest> {
  let json: unknown;
  try {
    json = JSON.parse(typeof bytes === 'string' ? bytes : Buffer.from(bytes).toString('utf8'));
  } catch (error) {
    return { success: false, error: `the message is not JSON (${(error as Error).message})` };
  }
  const parsed = ReleaseRequest.safeParse(json);
  if (parsed.success) return { success: true, data: parsed.data };
  return { success: false, error: formatIssues(parsed.error) };
}

/** One line per zod issue, each naming the field. */
export function formatIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(message)'}: ${issue.message}`)
    .join('; ');
}
