import { hostname, userInfo } from 'node:os';

/** Who runs this command, as jobs record it: PKGRELAY_ACTOR when set, else user@host. */
export function describeActor(env: NodeJS.ProcessEnv = process.env): string {
  const set = env['PKGRELAY_ACTOR']?.trim();
  if (set) return set.slice(0, 200);
  let user = env['USER'] ?? 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry (some containers): the environment's name will do.
  }
  return `${user}@${hostname()}`.slice(0, 200);
}
