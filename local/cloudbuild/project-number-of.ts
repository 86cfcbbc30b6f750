import { createHash } from 'node:crypto';

/** A stable made-up 12-digit project number for a project id, as `$PROJECT_NUMBER` and build names need one. */
export function projectNumberOf(projectId: string): string {
  const digest = createHash('sha256').update(projectId).digest();
  return String(100_000_000_000 + (digest.readUIntBE(0, 6) % 900_000_000_000));
}
