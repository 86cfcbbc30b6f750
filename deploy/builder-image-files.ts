import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What `gcloud builds submit` uploads to build the builder image: its Dockerfile, its build, the pinned tools. */
export const BuilderImageFiles = [
  { source: 'deploy/builder-image/Dockerfile', name: 'Dockerfile' },
  { source: 'deploy/builder-image/cloudbuild.yaml', name: 'cloudbuild.yaml' },
  { source: 'shared/build/python/pkgrelay_steps/tool-requirements.txt', name: 'tool-requirements.txt' },
  {
    source: 'shared/build/python/pkgrelay_steps/upload-auth-requirements.txt',
    name: 'upload-auth-requirements.txt',
  },
] as const;

/** The folder of the builder image's build context inside the bundle directory. */
export const BUILDER_IMAGE_FOLDER = 'builder-image';

/** A digest of the builder image's inputs: its tag, so a changed pin makes a new image and an unchanged one none. */
export function builderImageDigest(rootDir: string): string {
  const hash = createHash('sha256');
  for (const file of BuilderImageFiles)
    hash
      .update(file.name)
      .update('\0')
      .update(readFileSync(join(rootDir, file.source)));
  return hash.digest('hex').slice(0, 12);
}
