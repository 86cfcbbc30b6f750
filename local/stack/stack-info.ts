import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** `.pkgrelay/stack.json`: how the CLI, the demo, the tests and the benchmarks find the running stack. */
export interface StackInfo {
  projectId: string;
  pubsub: {
    host: string;
    topic: string;
    deadLetterTopic: string;
    buildEventsTopic: string;
    /** Every job transition (pkgrelay-job-events), which the notifier takes. */
    jobEventsTopic: string;
  };
  storage: { host: string; bucket: string };
  /** The status page, served from the bucket at the storage stand-in's public URL. */
  statusPage: { url: string };
  cloudbuild: { host: string };
  /** The Secret Manager stand-in, over the stack's secrets folder. */
  secretmanager: { host: string };
  registry: { url: string };
  index: { url: string };
  webhook: { url: string; secret: string };
  functions: Record<string, string>;
  /** The repositories file the catalog was seeded from when it had no document yet. */
  configPath: string;
  /** The served repositories the functions read at run time (PKGRELAY_CONFIG); `seeded` when this start created it. */
  catalog?: { url: string; seeded: boolean };
  upstreamBase: string;
  dataDir: string;
  logsDir: string;
  pids: Record<string, number>;
  startedAt: string;
}

export const STACK_FILE = 'stack.json';

/** Reads the stack file that `npm start` wrote; the error says to start the stack. */
export async function readStackInfo(rootDir = '.pkgrelay'): Promise<StackInfo> {
  const path = join(rootDir, STACK_FILE);
  try {
    return JSON.parse(await readFile(path, 'utf8')) as StackInfo;
  } catch {
    throw new Error(
      `No local stack found at ${path}: start one with \`npm start\` (or \`pkgrelay start\`) first.`,
    );
  }
}
