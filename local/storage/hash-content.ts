import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { CRC32C } from '@google-cloud/storage';

/** The size and the two digests Cloud Storage reports for an object, base64 as in `md5Hash`, `crc32c` and `x-goog-hash`. */
export interface ContentHashes {
  size: number;
  md5Hash: string;
  crc32c: string;
}

export interface ContentHasher {
  update(chunk: Uint8Array): void;
  digest(): ContentHashes;
}

/** Hashes content as it streams past, so an upload is read once. */
export function createContentHasher(): ContentHasher {
  const md5 = createHash('md5');
  const crc32c = new CRC32C();
  let size = 0;
  return {
    update(chunk) {
      md5.update(chunk);
      crc32c.update(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      size += chunk.byteLength;
    },
    digest: () => ({ size, md5Hash: md5.digest('base64'), crc32c: crc32c.toString() }),
  };
}

/** Hashes a whole file, for a resumable upload whose chunks arrived in separate requests. */
export async function hashFile(path: string): Promise<ContentHashes> {
  const hasher = createContentHasher();
  for await (const chunk of createReadStream(path)) hasher.update(chunk as Buffer);
  return hasher.digest();
}

/** Parses `x-goog-hash: crc32c=...,md5=...` (one header, or several joined by commas). */
export function parseGoogHash(header: string | string[] | undefined): { crc32c?: string; md5?: string } {
  const found: { crc32c?: string; md5?: string } = {};
  const text = Array.isArray(header) ? header.join(',') : (header ?? '');
  for (const pair of text.split(',')) {
    const at = pair.indexOf('=');
    if (at < 0) continue;
    const key = pair.slice(0, at).trim().toLowerCase();
    const value = pair.slice(at + 1).trim();
    if (key === 'crc32c' || key === 'md5') found[key] = value;
  }
  return found;
}
