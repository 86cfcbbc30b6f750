import type { BucketRecord, ObjectRecord } from './storage-records.js';
import { projectNumberOf } from '../cloudbuild/project-number-of.js';

/** The object resource as the JSON API returns it: numbers that may exceed 2^53 are strings. */
export function toObjectResource(record: ObjectRecord, origin: string): Record<string, unknown> {
  const path = `b/${encodeURIComponent(record.bucket)}/o/${encodeURIComponent(record.name)}`;
  return {
    kind: 'storage#object',
    id: `${record.bucket}/${record.name}/${record.generation}`,
    selfLink: `${origin}/storage/v1/${path}`,
    mediaLink: `${origin}/download/storage/v1/${path}?generation=${record.generation}&alt=media`,
    name: record.name,
    bucket: record.bucket,
    generation: String(record.generation),
    metageneration: String(record.metageneration),
    contentType: record.contentType,
    storageClass: record.storageClass,
    size: String(record.size),
    md5Hash: record.md5Hash,
    crc32c: record.crc32c,
    etag: objectEtag(record),
    timeCreated: record.timeCreated,
    updated: record.updated,
    timeStorageClassUpdated: record.timeCreated,
    ...(record.cacheControl !== undefined && { cacheControl: record.cacheControl }),
    ...(record.contentDisposition !== undefined && { contentDisposition: record.contentDisposition }),
    ...(record.contentEncoding !== undefined && { contentEncoding: record.contentEncoding }),
    ...(record.contentLanguage !== undefined && { contentLanguage: record.contentLanguage }),
    ...(record.metadata !== undefined && { metadata: record.metadata }),
  };
}

/** Cloud Storage's object ETag: base64 of a protobuf holding generation (field 1) and metageneration (field 2). */
export function objectEtag(record: Pick<ObjectRecord, 'generation' | 'metageneration'>): string {
  const bytes = [0x08, ...varint(record.generation), 0x10, ...varint(record.metageneration)];
  return Buffer.from(bytes).toString('base64');
}

function varint(value: number): number[] {
  const out: number[] = [];
  let rest = BigInt(value);
  do {
    const low = Number(rest & 0x7fn);
    rest >>= 7n;
    out.push(rest > 0n ? low | 0x80 : low);
  } while (rest > 0n);
  return out;
}

/** The bucket resource as the JSON API returns it. */
export function toBucketResource(record: BucketRecord, origin: string): Record<string, unknown> {
  return {
    kind: 'storage#bucket',
    selfLink: `${origin}/storage/v1/b/${encodeURIComponent(record.name)}`,
    id: record.name,
    name: record.name,
    projectNumber: projectNumberOf(record.projectId),
    metageneration: String(record.metageneration),
    location: record.location,
    storageClass: record.storageClass,
    etag: Buffer.from([0x08, ...varint(record.metageneration)]).toString('base64'),
    timeCreated: record.timeCreated,
    updated: record.updated,
    locationType: 'multi-region',
    iamConfiguration: {
      bucketPolicyOnly: { enabled: false },
      uniformBucketLevelAccess: { enabled: false },
      publicAccessPrevention: 'inherited',
    },
  };
}
