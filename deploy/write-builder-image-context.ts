import { copyFile, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { BUILDER_IMAGE_FOLDER, BuilderImageFiles } from './builder-image-files.js';

/** Gathers the builder image's build context into the bundle directory, for `gcloud builds submit` to upload. */
export async function writeBuilderImageContext(rootDir: string, outDir: string): Promise<string> {
  const dir = join(outDir, BUILDER_IMAGE_FOLDER);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  for (const file of BuilderImageFiles) await copyFile(join(rootDir, file.source), join(dir, file.name));
  return dir;
}
