import { createHash, randomUUID } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { compareObjectNames } from './compare-object-names.js';
import { createGenerationClock } from './create-generation-clock.js';
import { createKeyLock } from '../net/create-key-lock.js';
import type { ContentHashes } from './hash-content.js';
import type { BucketRecord, ObjectRecord, ObjectWriteFields } from './storage-records.js';
import { writeFileAtomically } from './write-file-atomically.js';

/** A file staged for commit: its bytes are on disk already, hashed while they arrived. */
export interface StagedContent {
  path: string;
  hashes: ContentHashes;
}

export interface ObjectStore {
  readonly uploadsDir: string;
  /** A fresh path in the staging folder, on the same file system as the data, so a commit is a rename. */
  stagingPath(): string;
  getBucket(name: string): BucketRecord | undefined;
  listBuckets(): BucketRecord[];
  createBucket(record: BucketRecord): Promise<'created' | 'exists'>;
  deleteBucket(name: string): Promise<'deleted' | 'not-found' | 'not-empty'>;
  getObject(bucket: string, name: string): ObjectRecord | undefined;
  /** The live objects of a bucket, sorted by name as the JSON API lists them. */
  listObjects(bucket: string): ObjectRecord[];
  /** Runs `task` while no other task for this object runs: reads and writes inside it see one state. */
  withObjectLock<T>(bucket: string, name: string, task: () => Promise<T>): Promise<T>;
  /** Makes staged content the object's new generation. Call inside `withObjectLock`. */
  commitObject(
    bucket: string,
    name: string,
    staged: StagedContent,
    fields: ObjectWriteFields,
  ): Promise<ObjectRecord>;
  /** Replaces an object's metadata (same generation). Call inside `withObjectLock`. */
  replaceObjectRecord(record: ObjectRecord): Promise<ObjectRecord>;
  /** Call inside `withObjectLock`. */
  deleteObject(bucket: string, name: string): Promise<void>;
  /** Opens the data of the generation `record` names. Call inside `withObjectLock`, then read outside it. */
  openObjectData(record: ObjectRecord): Promise<FileHandle>;
}

interface BucketState {
  record: BucketRecord;
  objects: Map<string, ObjectRecord>;
}

/** Opens (creating if needed) the on-disk store under `dataDir` and loads its index, so a restarted server serves what an earlier one stored. */
export async function openObjectStore(
  dataDir: string,
  { clock = () => new Date(), nowMs = Date.now }: { clock?: () => Date; nowMs?: () => number } = {},
): Promise<ObjectStore> {
  const bucketsDir = join(dataDir, 'buckets');
  const stagingDir = join(dataDir, 'staging');
  const uploadsDir = join(dataDir, 'uploads');
  await Promise.all([bucketsDir, uploadsDir].map((dir) => mkdir(dir, { recursive: true })));
  // Staged files belong to requests that died with the previous process.
  await rm(stagingDir, { recursive: true, force: true });
  await mkdir(stagingDir, { recursive: true });

  const generations = createGenerationClock(nowMs);
  const locks = createKeyLock();
  const buckets = new Map<string, BucketState>();

  const bucketDir = (bucket: string) => join(bucketsDir, bucket);
  const objectKey = (name: string) => createHash('sha256').update(name).digest('hex');
  const recordPath = (bucket: string, name: string) =>
    join(bucketDir(bucket), 'objects', `${objectKey(name)}.json`);
  const dataPath = (bucket: string, name: string, generation: number) =>
    join(bucketDir(bucket), 'data', `${objectKey(name)}-${generation}`);

  for (const entry of await readdir(bucketsDir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const state = await loadBucket(bucketDir(entry.name));
    if (!state) continue;
    buckets.set(state.record.name, state);
    for (const record of state.objects.values()) generations.observe(record.generation);
    await removeOrphanData(entry.name, state);
  }

  async function loadBucket(dir: string): Promise<BucketState | undefined> {
    const text = await readFile(join(dir, 'bucket.json'), 'utf8').catch(() => undefined);
    if (text === undefined) return undefined;
    const objects = new Map<string, ObjectRecord>();
    for (const file of await readdir(join(dir, 'objects'))) {
      if (!file.endsWith('.json')) continue;
      const record = JSON.parse(await readFile(join(dir, 'objects', file), 'utf8')) as ObjectRecord;
      objects.set(record.name, record);
    }
    return { record: JSON.parse(text) as BucketRecord, objects };
  }

  // A crash between writing new data and removing the old leaves files no record names.
  async function removeOrphanData(bucket: string, state: BucketState): Promise<void> {
    const live = new Set([...state.objects.values()].map((r) => dataPath(bucket, r.name, r.generation)));
    const dir = join(bucketDir(bucket), 'data');
    for (const file of await readdir(dir)) {
      if (!live.has(join(dir, file))) await rm(join(dir, file), { force: true });
    }
  }

  const requireBucket = (name: string): BucketState => {
    const state = buckets.get(name);
    if (!state) throw new Error(`Bucket ${name} does not exist; check it before writing objects to it.`);
    return state;
  };

  return {
    uploadsDir,
    stagingPath: () => join(stagingDir, randomUUID()),
    getBucket: (name) => buckets.get(name)?.record,
    listBuckets: () =>
      [...buckets.values()].map((s) => s.record).sort((a, b) => compareObjectNames(a.name, b.name)),

    async createBucket(record) {
      if (buckets.has(record.name)) return 'exists';
      const dir = bucketDir(record.name);
      await mkdir(join(dir, 'objects'), { recursive: true });
      await mkdir(join(dir, 'data'), { recursive: true });
      await writeFileAtomically(join(dir, 'bucket.json'), JSON.stringify(record, null, 2));
      buckets.set(record.name, { record, objects: new Map() });
      return 'created';
    },

    async deleteBucket(name) {
      const state = buckets.get(name);
      if (!state) return 'not-found';
      if (state.objects.size > 0) return 'not-empty';
      buckets.delete(name);
      await rm(bucketDir(name), { recursive: true, force: true });
      return 'deleted';
    },

    getObject: (bucket, name) => buckets.get(bucket)?.objects.get(name),
    listObjects: (bucket) =>
      [...(buckets.get(bucket)?.objects.values() ?? [])].sort((a, b) => compareObjectNames(a.name, b.name)),

    withObjectLock: (bucket, name, task) => locks.run(`${bucket}\n${name}`, task),

    async commitObject(bucket, name, staged, fields) {
      const state = requireBucket(bucket);
      const previous = state.objects.get(name);
      const generation = generations.next();
      const now = clock().toISOString();
      const record: ObjectRecord = {
        bucket,
        name,
        generation,
        metageneration: 1,
        contentType: 'application/octet-stream',
        ...fields,
        size: staged.hashes.size,
        md5Hash: staged.hashes.md5Hash,
        crc32c: staged.hashes.crc32c,
        timeCreated: now,
        updated: now,
        storageClass: 'STANDARD',
      };
      await rename(staged.path, dataPath(bucket, name, generation));
      await writeFileAtomically(recordPath(bucket, name), JSON.stringify(record, null, 2));
      state.objects.set(name, record);
      if (previous) await rm(dataPath(bucket, name, previous.generation), { force: true });
      return record;
    },

    async replaceObjectRecord(record) {
      const state = requireBucket(record.bucket);
      await writeFileAtomically(recordPath(record.bucket, record.name), JSON.stringify(record, null, 2));
      state.objects.set(record.name, record);
      return record;
    },

    async deleteObject(bucket, name) {
      const state = requireBucket(bucket);
      const record = state.objects.get(name);
      if (!record) return;
      await rm(recordPath(bucket, name), { force: true });
      state.objects.delete(name);
      await rm(dataPath(bucket, name, record.generation), { force: true });
    },

    openObjectData: (record) => open(dataPath(record.bucket, record.name, record.generation), 'r'),
  };
}
