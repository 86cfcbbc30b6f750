import { z } from 'zod';

// Only the fields pkgrelay reads; GitHub adds fields freely, so objects stay open.
const Repository = z.object({ full_name: z.string().min(1).max(300) });

export const ReleasePayload = z.object({
  action: z.string().max(100),
  release: z.object({ tag_name: z.string().max(1000), draft: z.boolean(), prerelease: z.boolean() }),
  repository: Repository,
});

export const CreatePayload = z.object({
  ref: z.string().max(1000),
  ref_type: z.string().max(100),
  repository: Repository,
});

export const PushPayload = z.object({
  ref: z.string().max(1000),
  created: z.boolean(),
  deleted: z.boolean(),
  repository: Repository,
});

export const PingPayload = z.object({
  hook_id: z.number().int().optional(),
  hook: z.object({ id: z.number().int().optional() }).optional(),
});
