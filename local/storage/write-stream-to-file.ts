import { createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Transform } from 'node:stream';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createContentHasher } from './hash-content.js';
import type { ContentHashes } from './hash-content.js';

/** Streams `source` into `path` (appending when `append`), hashing what it writes, and flushes the file to disk. */
export async function writeStreamToFile(
  source: Readable | AsyncIterable<Uint8Array>,
  path: string,
  { append = false, skipBytes = 0 }: { append?: boolean; skipBytes?: number } = {},
): Promise<ContentHashes> {
  const hasher = createContentHasher();
  let toSkip = skipBytes;
  const hashing = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      // A resumed chunk may repeat bytes the server already holds; drop them, as Cloud Storage does.
      if (toSkip > 0) {
        const dropped = Math.min(toSkip, chunk.byteLength);
        toSkip -= dropped;
        chunk = chunk.subarray(dropped);
      }
      if (chunk.byteLength > 0) hasher.update(chunk);
      done(null, chunk);
    },
  });
  await pipeline(source, hashing, createWriteStream(path, { flags: append ? 'a' : 'w' }));
  const handle = await open(path, 'r+');
  try {
    await handle.datasync();
  } finally {
    await handle.close();
  }
  return hasher.digest();
}
