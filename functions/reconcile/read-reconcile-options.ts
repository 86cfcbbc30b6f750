import { z } from 'zod';
import { formatIssues } from '../../shared/contracts/release-request.js';
import type { ReconcileOptions } from './create-reconcile-handler.js';

const Options = z
  .object({
    stuckAfterSeconds: z
      .number()
      .int()
      .min(0)
      .max(7 * 86_400)
      .optional(),
    repositories: z.array(z.string().max(200)).max(1000).optional(),
    requestedBy: z.string().max(200).optional(),
    dryRun: z.boolean().optional(),
  })
  .strict();

/** The options a caller may post (Cloud Scheduler posts none); an empty or non-JSON-object body means defaults. */
export function readReconcileOptions(
  body: unknown,
): { success: true; data: ReconcileOptions } | { success: false; error: string } {
  let json: unknown = body;
  if (Buffer.isBuffer(body) || typeof body === 'string') {
    const text = body.toString().trim();
    if (!text) return { success: true, data: {} };
    try {
      json = JSON.parse(text);
    } catch (error) {
      return { success: false, error: `the body is not JSON (${(error as Error).message})` };
    }
  }
  if (json === undefined || json === null) return { success: true, data: {} };
  const parsed = Options.safeParse(json);
  if (!parsed.success) return { success: false, error: formatIssues(parsed.error) };
  const { stuckAfterSeconds, repositories, dryRun, requestedBy } = parsed.data;
  return {
    success: true,
    data: {
      ...(stuckAfterSeconds !== undefined ? { stuckAfterSeconds } : {}),
      ...(repositories ? { repositories } : {}),
      ...(requestedBy ? { requestedBy } : {}),
      ...(dryRun ? { dryRun } : {}),
    },
  };
}
