import { readFileSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';

/** The suffix of the V8 code cache written beside a precompiled CommonJS bundle. */
export const CODE_CACHE_SUFFIX = '.v8cache';

export type CodeCacheUse = 'accepted' | 'rejected' | 'absent';

export interface LoadedPrecompiled {
  exports: unknown;
  codeCache: CodeCacheUse;
  script: Script;
}

/**
 * Runs a CommonJS bundle the way `require` would, but compiled with the V8 code cache beside it when
 * there is one. The cache skips parsing and compiling the cloud client libraries (a third of a cold
 * start); a cache written by another Node version or V8 flags is rejected by V8 and the source is
 * compiled as usual, so a stale or missing cache only costs time.
 */
export function runPrecompiled(file: string, { ignoreCache = false } = {}): LoadedPrecompiled {
  const source = readFileSync(file, 'utf8');
  const cachedData = ignoreCache ? undefined : readIfPresent(file + CODE_CACHE_SUFFIX);
  const script = new Script(Module.wrap(source), {
    filename: file,
    ...(cachedData ? { cachedData } : {}),
  });
  const wrapper = script.runInThisContext() as (
    exports: unknown,
    require: NodeJS.Require,
    module: { exports: unknown },
    filename: string,
    dirname: string,
  ) => void;
  const module = { exports: {} as unknown };
  wrapper.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  const codeCache = !cachedData ? 'absent' : script.cachedDataRejected ? 'rejected' : 'accepted';
  return { exports: module.exports, codeCache, script };
}

/** The `module.exports` of a precompiled bundle, by its URL (relative to the importing chunk). */
export function loadPrecompiled(url: URL): unknown {
  return runPrecompiled(fileURLToPath(url)).exports;
}

function readIfPresent(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}
