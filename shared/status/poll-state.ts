import { z } from 'zod';

// Bounded: a repository with more tags than this at first contact keeps only the newest left ones on record.
export const MAX_LEFT_TAGS = 5000;

export const FirstContact = z.object({
  at: z.iso.datetime(),
  existingTags: z.union([z.enum(['all', 'none']), z.object({ latest: z.number().int() })]),
  built: z.array(z.string()).describe('Tags the first poll enqueued (or left for the next runs to enqueue)'),
  left: z
    .array(z.string())
    .max(MAX_LEFT_TAGS)
    .describe('Tags upstream had at first contact that are never built unless triggered by hand'),
});
export type FirstContact = z.infer<typeof FirstContact>;

/** How reconcile polls one repository: written by reconcile only, read by the CLI and the status page. */
export const PollState = z.object({
  schemaVersion: z.literal(1),
  repository: z.string(),
  intervalSeconds: z.number().int().positive(),
  lastPollAt: z.iso.datetime(),
  lastSuccessAt: z.iso.datetime().optional(),
  consecutiveFailures: z.number().int().min(0),
  nextPollAt: z.iso.datetime().describe('Not polled before this, unless asked by name'),
  lastError: z.object({ at: z.iso.datetime(), stage: z.string(), message: z.string() }).optional(),
  upstreamTags: z.number().int().min(0).optional().describe('Tags upstream at the last successful poll'),
  firstContact: FirstContact.optional(),
});
export type PollState = z.infer<typeof PollState>;
