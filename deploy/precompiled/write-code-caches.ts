import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CODE_CACHE_SUFFIX, runPrecompiled } from './load-precompiled.js';

export interface WrittenCodeCache {
  file: string;
  bytes: number;
  ms: number;
}

/**
 * Loads each `*.cjs` bundle in `dir` once and writes its V8 code cache beside it. It must run under
 * the Node that will serve the function: `npm run build` runs it for the local runtime, and the
 * deployed folder's `gcp-build` script runs it again in Cloud Functions' build, under the runtime's Node.
 */
export function writeCodeCaches(dir: string): WrittenCodeCache[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.cjs'))
    .sort()
    .map((name) => {
      const file = join(dir, name);
      const started = performance.now();
      // Without the old cache, so the new one covers what this Node compiles.
      const { script } = runPrecompiled(file, { ignoreCache: true });
      const cache = script.createCachedData();
      writeFileSync(file + CODE_CACHE_SUFFIX, cache);
      return { file, bytes: cache.length, ms: Math.round(performance.now() - started) };
    });
}
