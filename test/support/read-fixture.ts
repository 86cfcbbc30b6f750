import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { z } from 'zod';

/** Where the corpus lives: one folder per project shape, each with its fixture.json. */
export const FIXTURES_DIR = join(import.meta.dirname, '..', 'fixtures', 'projects');
/** Repositories whose tags must fail, each in the way its fixture.json names. */
export const FAILING_FIXTURES_DIR = join(import.meta.dirname, '..', 'fixtures', 'failing');

const FixtureRelease = z.object({
  tag: z.string().min(1),
  annotated: z.boolean().default(false),
  /** Folder of this release's Python project in the repository (monorepos). */
  subdirectory: z.string().default(''),
  distribution: z.string().min(1),
  version: z.string().min(1),
  /** Module to import after install; none for a project that ships only a program. */
  import: z.string().optional(),
  /** A Python expression evaluated after the import, and what printing it must show. */
  probe: z.object({ code: z.string(), prints: z.string() }).optional(),
  /** The codes of the warnings its job records (long-description problems), none by default. */
  warnings: z.array(z.string()).default([]),
  script: z
    .object({ name: z.string(), args: z.array(z.string()).default([]), prints: z.string() })
    .optional(),
  /** The job must fail: with this code, at this step, and a message holding `advice` (what to do next). */
  fails: z.object({ code: z.string(), step: z.string(), advice: z.string() }).optional(),
  /** A file of this name reaches the registry from someone else just before the build uploads its own. */
  rivalUpload: z.string().optional(),
});

const FixtureManifest = z.object({
  shape: z.string(),
  repository: z.string().regex(/^[\w.-]+\/[\w.-]+$/),
  /** The repository's entry in the repositories file, as is. */
  entry: z.record(z.string(), z.unknown()),
  releases: z.array(FixtureRelease).min(1),
});

export type FixtureRelease = z.infer<typeof FixtureRelease>;
export type FixtureManifest = z.infer<typeof FixtureManifest>;

export interface Fixture {
  /** The folder's name: the shape, e.g. `setup-py-only`. */
  name: string;
  manifest: FixtureManifest;
  /** Every file of the project but fixture.json, relative path → content. */
  files: Record<string, string>;
}

/** Reads one fixture folder; a fixture.json that does not parse throws, naming the folder and the field. */
export async function readFixture(name: string, root = FIXTURES_DIR): Promise<Fixture> {
  const dir = join(root, name);
  const parsed = FixtureManifest.safeParse(JSON.parse(await readFile(join(dir, 'fixture.json'), 'utf8')));
  if (!parsed.success) throw new Error(`${name}/fixture.json: ${z.prettifyError(parsed.error)}`);
  const files: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    const path = relative(dir, join(entry.parentPath, entry.name));
    if (entry.isFile() && path !== 'fixture.json') files[path] = await readFile(join(dir, path), 'utf8');
  }
  return { name, manifest: parsed.data, files };
}

/** The names of every fixture folder, sorted. */
export async function listFixtures(root = FIXTURES_DIR): Promise<string[]> {
  const entries = await readdir(root, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}
