import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { build, type Plugin } from 'esbuild';

/**
 * A module a cold start waits on, bundled into one CommonJS file under the function's `precompiled/`
 * with a V8 code cache beside it (load-precompiled.ts), instead of being parsed and compiled on the
 * first request.
 */
export interface PrecompiledModule {
  /** How sources import it: a package name, or a relative path together with `importer`. */
  specifier: string;
  /** The file (from the repository root) that imports a relative `specifier`. */
  importer?: string;
  /** What is bundled: a module of the package, or a source file. */
  source: string;
  /** The exports pkgrelay uses; the build fails if one goes missing (say, after a major upgrade). */
  exports: readonly string[];
  /**
   * `package`: a CommonJS package, imported for its `default` (its module.exports, as Node gives it);
   * `module`: one of pkgrelay's ES modules, imported for its named exports.
   */
  kind: 'package' | 'module';
  /** The bundle's name under `precompiled/`. */
  file: string;
}

/**
 * The webhook's first 202 waits on its handler (zod and the schemas) and on @google-cloud/pubsub, whose
 * google-gax, grpc-js and protobufjs are most of its import time. Pub/Sub's index also builds 3 MB of
 * generated protobuf classes that only its `protos` export uses; the module of its `PubSub` class (the
 * one export pkgrelay uses) does not, so that module is what is bundled.
 */
export const PRECOMPILED_MODULES: readonly PrecompiledModule[] = [
  {
    specifier: './build-webhook-handler.js',
    importer: 'functions/webhook/index.ts',
    source: './functions/webhook/build-webhook-handler.ts',
    exports: ['buildWebhookHandler'],
    kind: 'module',
    file: 'webhook-handler.cjs',
  },
  {
    specifier: '@google-cloud/pubsub',
    source: '@google-cloud/pubsub/build/src/pubsub.js',
    exports: ['PubSub'],
    kind: 'package',
    file: 'google-cloud-pubsub.cjs',
  },
];

const NAMESPACE = 'pkgrelay-precompiled';

/**
 * In a function's ES module build: each import of a precompiled module becomes a small module that
 * loads `precompiled/<file>` and re-exports it in the shape the import expects. `used` collects them.
 */
export function precompiledImports(rootDir: string, used: Map<string, PrecompiledModule>): Plugin {
  const loader = join(rootDir, 'deploy', 'precompiled', 'load-precompiled.ts');
  return {
    name: 'pkgrelay-precompiled-imports',
    setup(esbuild) {
      esbuild.onResolve({ filter: /./ }, ({ path, importer }) => {
        const found = findPrecompiled(rootDir, path, importer);
        if (!found) return undefined;
        used.set(found.file, found);
        return { path: found.file, namespace: NAMESPACE };
      });
      esbuild.onLoad({ filter: /./, namespace: NAMESPACE }, ({ path }) => {
        const precompiled = used.get(path);
        if (!precompiled) return undefined;
        const load = `loadPrecompiled(new URL(${JSON.stringify(`./precompiled/${path}`)}, import.meta.url))`;
        const body =
          precompiled.kind === 'package'
            ? [`export default ${load};`]
            : [
                `const loaded = ${load};`,
                ...precompiled.exports.map(
                  (name) => `export const ${name} = loaded[${JSON.stringify(name)}];`,
                ),
              ];
        return {
          contents: [`import { loadPrecompiled } from ${JSON.stringify(loader)};`, ...body].join('\n'),
          resolveDir: rootDir,
          loader: 'js',
        };
      });
    },
  };
}

/** The namespace's modules as they appear in a metafile's inputs, so a chunk that holds one can be told. */
export const precompiledInput = (file: string): string => `${NAMESPACE}:${file}`;

const run = promisify(execFile);

/**
 * Bundles each used module whole into `dir/precompiled/<file>`, adds `precompile.js`, and runs it to
 * write the code caches for this Node. A precompiled package that a module imports gets its own file
 * beside it, loaded when the module first imports it, as before. Returns the packages each file loads.
 */
export async function bundlePrecompiled(
  rootDir: string,
  dir: string,
  used: readonly PrecompiledModule[],
): Promise<Map<string, string[]>> {
  const packages = new Map<string, string[]>();
  const queue = [...used];
  for (let precompiled = queue.shift(); precompiled; precompiled = queue.shift()) {
    if (packages.has(precompiled.file)) continue;
    const imported = new Map<string, PrecompiledModule>();
    const check = precompiled.exports.map(
      (name) =>
        `if (!(${JSON.stringify(name)} in module.exports)) throw new Error(${JSON.stringify(
          `${precompiled.source} no longer exports ${name}: update PRECOMPILED_MODULES`,
        )});`,
    );
    await build({
      absWorkingDir: rootDir,
      stdin: {
        contents: [`module.exports = require(${JSON.stringify(precompiled.source)});`, ...check].join('\n'),
        resolveDir: rootDir,
        loader: 'js',
      },
      outfile: join(dir, 'precompiled', precompiled.file),
      bundle: true,
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      plugins: [siblingPackages(rootDir, imported)],
      // No renaming: libraries may read their classes' names; the code cache makes parsing cheap anyway.
      minifyWhitespace: true,
      minifySyntax: true,
      logLevel: 'warning',
    });
    const own = precompiled.kind === 'package' ? [precompiled.specifier] : [];
    packages.set(precompiled.file, [...own, ...[...imported.values()].map((m) => m.specifier)].sort());
    queue.push(...imported.values());
  }
  await build({
    absWorkingDir: rootDir,
    entryPoints: [join(rootDir, 'deploy', 'precompiled', 'precompile-main.ts')],
    outfile: join(dir, 'precompile.js'),
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
  });
  await run(process.execPath, [join(dir, 'precompile.js')], { cwd: dir });
  return packages;
}

// Inside a precompiled module, a precompiled package is loaded from its own file beside it; esbuild
// gives pkgrelay's ES modules Node's shape for it (`default` is module.exports). Its own file gets a complete code cache:
// precompile.js runs each file's top level, and code inside a module's lazy import would not be in it.
function siblingPackages(rootDir: string, imported: Map<string, PrecompiledModule>): Plugin {
  const loader = join(rootDir, 'deploy', 'precompiled', 'load-precompiled.ts');
  return {
    name: 'pkgrelay-sibling-packages',
    setup(esbuild) {
      esbuild.onResolve({ filter: /./ }, ({ path, importer }) => {
        const found = findPrecompiled(rootDir, path, importer);
        if (found?.kind !== 'package') return undefined;
        imported.set(found.file, found);
        return { path: found.file, namespace: NAMESPACE };
      });
      esbuild.onLoad({ filter: /./, namespace: NAMESPACE }, ({ path }) => ({
        contents: [
          `const { runPrecompiled } = require(${JSON.stringify(loader)});`,
          `const { join } = require('node:path');`,
          `module.exports = runPrecompiled(join(__dirname, ${JSON.stringify(path)})).exports;`,
        ].join('\n'),
        resolveDir: rootDir,
        loader: 'js',
      }));
    },
  };
}

function findPrecompiled(rootDir: string, path: string, importer: string): PrecompiledModule | undefined {
  return PRECOMPILED_MODULES.find(
    (module) =>
      module.specifier === path &&
      (module.importer === undefined || resolve(rootDir, module.importer) === importer),
  );
}
