import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createKeyLock } from '../net/create-key-lock.js';
import type { Build } from './build-types.js';

export interface BuildStore {
  get(id: string): Build | undefined;
  /** Newest first; every project's when `projectId` is undefined. */
  list(projectId?: string): Build[];
  /** Keeps the build and writes it to `dataDir/builds/ID/build.json`. */
  save(build: Build): Promise<void>;
  /** The build's own folder: workspace, home, step outputs and log live there. */
  directoryOf(id: string): string;
}

/** Loads the builds persisted under `dataDir` and keeps them in memory, written through on every change. */
export async function createBuildStore(dataDir: string): Promise<BuildStore> {
  const root = join(dataDir, 'builds');
  await mkdir(root, { recursive: true });
  const builds = new Map<string, Build>();
  for (const id of await readdir(root)) {
    try {
      builds.set(id, JSON.parse(await readFile(join(root, id, 'build.json'), 'utf8')) as Build);
    } catch {
      // A folder without a readable build.json is a build that crashed before its first write.
    }
  }
  // Writes of one build run one at a time, so an older state never lands after a newer one.
  const writes = createKeyLock();
  return {
    get: (id) => builds.get(id),
    list: (projectId) =>
      [...builds.values()]
        .filter((build) => projectId === undefined || build.projectId === projectId)
        .sort((a, b) => b.createTime.localeCompare(a.createTime)),
    save: async (build) => {
      builds.set(build.id, build);
      const json = JSON.stringify(build, null, 2);
      const dir = join(root, build.id);
      await writes.run(build.id, async () => {
        await mkdir(dir, { recursive: true });
        const temporary = join(dir, 'build.json.tmp');
        await writeFile(temporary, json);
        await rename(temporary, join(dir, 'build.json'));
      });
    },
    directoryOf: (id) => join(root, id),
  };
}
