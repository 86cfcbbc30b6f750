import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';
import {
  bundlePrecompiled,
  precompiledImports,
  precompiledInput,
  type PrecompiledModule,
} from './precompiled/bundle-precompiled.js';
import { FUNCTION_DEPLOYMENTS, type FunctionDeployment } from './function-deployments.js';
import { embedStepFiles } from './embed-step-files.js';
import { createBundleLockfile, type Lockfile } from './create-bundle-lockfile.js';
import { writeBuilderImageContext } from './write-builder-image-context.js';
import { writeStagingLifecycle } from './staging-lifecycle.js';

/**
 * Kept out of the bundle and installed by Cloud Functions' build from the bundle's package.json: the framework must
 * be the very copy the runtime loads (it holds the registry of functions), and the cloud clients load protos and
 * JSON from their own folders and are imported lazily anyway.
 */
export const EXTERNAL_PACKAGES = ['@google-cloud/*', 'google-auth-library'] as const;

export interface BundleOptions {
  /** The repository root (holds package.json and functions/). */
  rootDir: string;
  /** Where each function gets its folder; `lib/bundle` for `npm run build`. */
  outDir: string;
  functions?: readonly FunctionDeployment[];
}

export interface BundledFunction {
  target: string;
  dir: string;
  /** Bytes of the entry file, which a cold start parses before anything else. */
  entryBytes: number;
  /** Lazily loaded chunks (the paths behind dynamic imports). */
  chunks: string[];
  dependencies: Record<string, string>;
  /** Packages the entry file imports at load time; the cloud clients must not be among them. */
  staticImports: string[];
  /** Packages loaded only by `import()`, on the paths that need them. */
  dynamicImports: string[];
  /** Files under `precompiled/`, each with a V8 code cache beside it (PRECOMPILED_MODULES). */
  precompiled: string[];
}

/** Bundles every function that has a source folder into its own deployable folder: ESM, Node 22, one entry file. */
export async function bundleFunctions({
  rootDir,
  outDir,
  functions = FUNCTION_DEPLOYMENTS,
}: BundleOptions): Promise<BundledFunction[]> {
  const rootPackage = JSON.parse(readFileSync(join(rootDir, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
  };
  const rootLock = JSON.parse(readFileSync(join(rootDir, 'package-lock.json'), 'utf8')) as Lockfile;
  const bundled: BundledFunction[] = [];
  for (const fn of functions) {
    const entry = join(rootDir, 'functions', fn.folder, 'index.ts');
    if (!existsSync(entry)) continue;
    const dir = resolve(outDir, fn.folder);
    // Chunk names carry content hashes: stale ones from an earlier build would be uploaded too.
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    const precompiled = new Map<string, PrecompiledModule>();
    const { metafile } = await build({
      absWorkingDir: rootDir,
      entryPoints: { index: entry },
      outdir: dir,
      bundle: true,
      // With ESM, splitting turns each dynamic import into its own chunk: loaded on the path that needs it.
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node22',
      external: [...EXTERNAL_PACKAGES],
      plugins: [precompiledImports(rootDir, precompiled), embedStepFiles()],
      minify: true,
      sourcemap: 'linked',
      sourcesContent: false,
      metafile: true,
      logLevel: 'warning',
      // Bundled CommonJS that calls require() needs one; ESM has none of its own.
      banner: {
        js: "import{createRequire as __pkgrelayRequire}from'node:module';const require=__pkgrelayRequire(import.meta.url);",
      },
    });
    const dependencies = externalDependencies(metafile, rootPackage.dependencies ?? {});
    const precompiledPackages = precompiled.size
      ? await bundlePrecompiled(rootDir, dir, [...precompiled.values()])
      : new Map<string, string[]>();
    const manifest = {
      name: `pkgrelay-${fn.folder}`,
      private: true,
      type: 'module',
      main: 'index.js',
      engines: { node: '>=22' },
      // Cloud Functions' build runs gcp-build under the runtime's Node: the code caches must be that V8's.
      ...(precompiled.size ? { scripts: { 'gcp-build': 'node precompile.js' } } : {}),
      dependencies,
    };
    await writeFile(join(dir, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
    // With a lockfile, Cloud Functions' build runs `npm ci`: the versions the repository's tests ran, exactly.
    await writeFile(
      join(dir, 'package-lock.json'),
      JSON.stringify(createBundleLockfile(rootLock, manifest), null, 2) + '\n',
    );
    const outputs = Object.entries(metafile.outputs).filter(([path]) => path.endsWith('.js'));
    const entryOutput = outputs.find(([, output]) => output.entryPoint);
    bundled.push({
      target: fn.target,
      dir,
      entryBytes: entryOutput?.[1].bytes ?? 0,
      chunks: outputs.filter(([, output]) => !output.entryPoint).map(([path]) => path),
      dependencies,
      ...importsOf(metafile, entryOutput?.[0], precompiledPackages),
      precompiled: [...precompiledPackages.keys()].sort(),
    });
  }
  return bundled;
}

// Walks the chunks from the entry: a package is loaded at start only if static imports alone reach it.
function importsOf(
  metafile: Metafile,
  entry: string | undefined,
  precompiled: ReadonlyMap<string, readonly string[]>,
): Pick<BundledFunction, 'staticImports' | 'dynamicImports'> {
  const eager = new Set<string>();
  const lazy = new Set<string>();
  const seen = new Set<string>();
  const visit = (path: string, atStart: boolean): void => {
    const key = `${atStart}:${path}`;
    if (seen.has(key)) return;
    seen.add(key);
    // A precompiled module is loaded where the chunk holding its loader is, and brings its packages.
    const inputs = metafile.outputs[path]?.inputs ?? {};
    for (const [file, packages] of precompiled)
      if (precompiledInput(file) in inputs) for (const name of packages) (atStart ? eager : lazy).add(name);
    for (const imported of metafile.outputs[path]?.imports ?? []) {
      const staticHere = atStart && imported.kind === 'import-statement';
      if (!imported.external) visit(imported.path, staticHere);
      else if (!imported.path.startsWith('node:')) (staticHere ? eager : lazy).add(imported.path);
    }
  };
  if (entry) visit(entry, true);
  return { staticImports: [...eager], dynamicImports: [...lazy].filter((path) => !eager.has(path)) };
}

// The packages the bundle imports but does not contain, at the versions the repository itself depends on.
function externalDependencies(metafile: Metafile, versions: Record<string, string>): Record<string, string> {
  const builtins = new Set(builtinModules);
  const names = new Set<string>(['@google-cloud/functions-framework']);
  for (const output of Object.values(metafile.outputs)) {
    for (const imported of output.imports) {
      if (!imported.external || imported.path.startsWith('node:') || builtins.has(imported.path)) continue;
      const parts = imported.path.split('/');
      names.add(imported.path.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? imported.path));
    }
  }
  return Object.fromEntries(
    [...names].sort().map((name) => {
      const version = versions[name];
      if (!version)
        throw new Error(`the bundle imports ${name}, which package.json does not list in dependencies`);
      return [name, version];
    }),
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rootDir = process.cwd();
  const outDir = join(rootDir, 'lib', 'bundle');
  const bundled = await bundleFunctions({ rootDir, outDir });
  for (const fn of bundled) {
    const kb = (fn.entryBytes / 1024).toFixed(0);
    const lazy = fn.dynamicImports.length ? `; loaded lazily: ${fn.dynamicImports.join(', ')}` : '';
    const cached = fn.precompiled.length ? `; with code caches: ${fn.precompiled.join(', ')}` : '';
    process.stdout.write(`bundle ${fn.target}: ${kb} KB → ${fn.dir}${lazy}${cached}\n`);
  }
  process.stdout.write(`builder image context → ${await writeBuilderImageContext(rootDir, outDir)}\n`);
  process.stdout.write(`staging bucket lifecycle → ${await writeStagingLifecycle(outDir)}\n`);
}
