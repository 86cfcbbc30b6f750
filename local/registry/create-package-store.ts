import { randomUUID } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

/** One repository, as Artifact Registry names it: `PROJECT/REPO`. */
export interface RepositoryKey {
  project: string;
  repository: string;
}

/** What the registry knows about one uploaded file, kept beside it as `metadata.json`. */
export interface StoredFile {
  filename: string;
  /** The project name as the upload form spelled it. */
  name: string;
  normalizedName: string;
  version: string;
  filetype: string;
  sha256: string;
  md5?: string;
  requiresPython?: string;
  size: number;
  uploadTime: string;
}

export interface PackageStore {
  /** A fresh private folder inside the data folder for one upload to be written into. */
  createStaging(): Promise<string>;
  /** Publishes `staging/content` with its metadata; `exists` when the file is already there (then nothing changes). */
  commit(key: RepositoryKey, staging: string, file: StoredFile): Promise<'created' | 'exists'>;
  listProjects(key: RepositoryKey): Promise<string[]>;
  /** The files of a project, by filename; `undefined` when the repository has none. */
  listFiles(key: RepositoryKey, normalizedName: string): Promise<StoredFile[] | undefined>;
  contentPath(key: RepositoryKey, normalizedName: string, filename: string): string;
}

/**
 * A package store on disk under `dataDir`: `repositories/PROJECT/REPO/NAME/FILENAME/{content,metadata.json}`.
 * Every file is written in a staging folder and renamed into place whole, so readers and restarts
 * never see half a file, and of two uploads of one filename exactly one rename succeeds.
 */
export async function createPackageStore(dataDir: string): Promise<PackageStore> {
  const stagingRoot = join(dataDir, 'staging');
  const repositoriesRoot = join(dataDir, 'repositories');
  // Staging folders left by a crash were never published: drop them.
  await rm(stagingRoot, { recursive: true, force: true });
  await mkdir(stagingRoot, { recursive: true });
  await mkdir(repositoriesRoot, { recursive: true });
  const repositoryDir = (key: RepositoryKey): string => join(repositoriesRoot, key.project, key.repository);

  return {
    async createStaging() {
      const dir = join(stagingRoot, randomUUID());
      await mkdir(dir);
      return dir;
    },
    async commit(key, staging, file) {
      await writeDurably(join(staging, 'metadata.json'), JSON.stringify(file, null, 2));
      const projectDir = join(repositoryDir(key), file.normalizedName);
      await mkdir(projectDir, { recursive: true });
      try {
        // rename(2) refuses to replace a non-empty directory, which makes it a create-only commit.
        await rename(staging, join(projectDir, file.filename));
        return 'created';
      } catch (error) {
        if (isCode(error, 'ENOTEMPTY') || isCode(error, 'EEXIST')) return 'exists';
        throw error;
      }
    },
    async listProjects(key) {
      return (await readDirNames(repositoryDir(key))) ?? [];
    },
    async listFiles(key, normalizedName) {
      const projectDir = join(repositoryDir(key), normalizedName);
      const filenames = await readDirNames(projectDir);
      if (!filenames || filenames.length === 0) return undefined;
      return Promise.all(
        filenames.map(
          async (filename) =>
            JSON.parse(await readFile(join(projectDir, filename, 'metadata.json'), 'utf8')) as StoredFile,
        ),
      );
    },
    contentPath(key, normalizedName, filename) {
      return join(repositoryDir(key), normalizedName, filename, 'content');
    },
  };
}

async function writeDurably(path: string, text: string): Promise<void> {
  const handle = await open(path, 'w');
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function readDirNames(dir: string): Promise<string[] | undefined> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
  } catch (error) {
    if (isCode(error, 'ENOENT')) return undefined;
    throw error;
  }
}

function isCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}
