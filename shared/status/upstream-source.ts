import { z } from 'zod';

const Commit = z.string().regex(/^[0-9a-f]{40,64}$/);

export const UpstreamSource = z.object({
  commit: Commit.describe('The commit the tag pointed to when the build fetched it'),
  tree: Commit.optional().describe('That commit\u2019s tree'),
});
export type UpstreamSource = z.infer<typeof UpstreamSource>;

export const UpstreamDrift = z.object({
  kind: z.enum(['moved', 'deleted']).describe('The tag now points at another commit, or is gone upstream'),
  recordedCommit: Commit.describe('The commit the job was built from'),
  upstreamCommit: Commit.optional().describe('The commit the tag points at now (moved only)'),
  noticedAt: z.iso.datetime(),
});
export type UpstreamDrift = z.infer<typeof UpstreamDrift>;
