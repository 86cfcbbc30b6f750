import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A stack.json naming only a storage server and its bucket, so `pkgrelay status` reads that bucket. */
export async function writeBucketStack(storageUrl: string, bucket = 'pkgrelay-status'): Promise<string> {
  const stackDir = await mkdtemp(join(tmpdir(), 'pkgrelay-bucket-stack-'));
  await writeFile(
    join(stackDir, 'stack.json'),
    JSON.stringify({
      projectId: 'pkgrelay-local',
      pubsub: { host: '127.0.0.1:9', topic: 'pkgrelay-releases' },
      storage: { host: storageUrl, bucket },
      webhook: { url: 'http://127.0.0.1:9', secret: 's' },
      functions: {},
      configPath: join(stackDir, 'repositories.json'),
      upstreamBase: `file://${stackDir}`,
    }),
  );
  return stackDir;
}
