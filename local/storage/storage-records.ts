/** What the store keeps for one bucket, written to `bucket.json`. */
export interface BucketRecord {
  name: string;
  projectId: string;
  location: string;
  storageClass: string;
  metageneration: number;
  timeCreated: string;
  updated: string;
}

/** What the store keeps for the live generation of one object, written beside its data. */
export interface ObjectRecord {
  bucket: string;
  name: string;
  generation: number;
  metageneration: number;
  contentType: string;
  size: number;
  md5Hash: string;
  crc32c: string;
  timeCreated: string;
  updated: string;
  storageClass: string;
  metadata?: Record<string, string>;
  cacheControl?: string;
  contentDisposition?: string;
  contentEncoding?: string;
  contentLanguage?: string;
}

/** The fields a writer may set on an object, from an upload's metadata or a PATCH. */
export const WritableObjectFields = [
  'contentType',
  'cacheControl',
  'contentDisposition',
  'contentEncoding',
  'contentLanguage',
] as const;
export type WritableObjectField = (typeof WritableObjectFields)[number];

export type ObjectWriteFields = Partial<Record<WritableObjectField, string>> & {
  metadata?: Record<string, string>;
};
