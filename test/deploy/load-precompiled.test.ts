import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { CODE_CACHE_SUFFIX, runPrecompiled } from '../../deploy/precompiled/load-precompiled.js';
import { writeCodeCaches } from '../../deploy/precompiled/write-code-caches.js';

describe('precompiled CommonJS bundles', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pkgrelay-precompiled-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, source: string): string => {
    const file = join(dir, name);
    writeFileSync(file, source);
    return file;
  };

  it('runs a bundle as require would: exports, require, __dirname and __filename', () => {
    const file = write(
      'plain.cjs',
      "const { basename } = require('node:path'); exports.where = [basename(__dirname), basename(__filename)]; exports.self = this === exports;",
    );
    const loaded = runPrecompiled(file);
    expect(loaded.exports).toEqual({ where: [dir.split('/').pop(), 'plain.cjs'], self: true });
    expect(loaded.codeCache).toBe('absent');
  });

  it('compiles from the cache precompile.js wrote, and from source when V8 rejects a cache', () => {
    const file = write('cached.cjs', 'module.exports = { answer: [1, 2, 3].map((n) => n * 14)[2] };');
    const written = writeCodeCaches(dir).find((entry) => entry.file === file);
    expect(written?.bytes).toBeGreaterThan(0);
    // In a fresh process, as on a cold start (this one keeps the compiled script in memory).
    const loader = pathToFileURL(
      resolve(import.meta.dirname, '../../lib/deploy/precompiled/load-precompiled.js'),
    );
    const script = `import { runPrecompiled } from ${JSON.stringify(loader.href)};
      const { exports, codeCache } = runPrecompiled(${JSON.stringify(file)});
      console.log(JSON.stringify({ exports, codeCache }));`;
    const fresh = JSON.parse(
      execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }),
    );
    expect(fresh).toEqual({ exports: { answer: 42 }, codeCache: 'accepted' });

    // A cache from another Node or V8 flags: V8 refuses it, the module still loads. (A source this
    // process never compiled, or V8 would reuse its in-memory compilation and not look at the cache.)
    const other = write('stale.cjs', 'module.exports = { answer: 6 * 7 };');
    writeFileSync(other + CODE_CACHE_SUFFIX, Buffer.from('not a code cache of this V8'));
    expect(runPrecompiled(other)).toMatchObject({ exports: { answer: 42 }, codeCache: 'rejected' });
  });

  it('fails loudly when the bundle itself throws, as require would', () => {
    const file = write('broken.cjs', "throw new Error('the module is broken');");
    expect(() => runPrecompiled(file)).toThrow('the module is broken');
  });
});
