import { z } from 'zod';

// GitHub-only: `owner/name` (GitLab nests groups: `group/sub/name`); a second source needs its own name rule.
// GitHub owners: letters, digits, hyphens; repository names add `.` and `_`. Nothing else can reach a path or a shell.
const REPOSITORY = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;

export const RepositoryName = z
  .string()
  .regex(REPOSITORY, 'must be "owner/name" as GitHub spells it (letters, digits, "-", "." and "_")')
  .refine((name) => !name.endsWith('/.') && !name.endsWith('/..'), 'is not a repository name');

// GitHub-only: the key has no source in it, so the same `owner/name` on two sources would share jobs.
/** The case-insensitive identity GitHub gives repository names. */
export function repositoryKey(repository: string): string {
  return repository.toLowerCase();
}
