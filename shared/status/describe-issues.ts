import type { z } from 'zod';

/** A zod error in one short line a log or a terminal can carry: "fails its schema: " and the first issues with their paths. */
export function describeIssues(error: z.ZodError, max = 3): string {
  const issues = error.issues.slice(0, max).map((issue) => {
    const where = issue.path.map(String).join('.') || '(the document)';
    return `${where}: ${issue.message}`;
  });
  const more = error.issues.length > max ? `; ${error.issues.length - max} more` : '';
  return `fails its schema: ${issues.join('; ')}${more}`;
}
