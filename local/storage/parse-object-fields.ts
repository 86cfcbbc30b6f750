import { invalidRequest } from './create-storage-error.js';
import type { StorageError } from './create-storage-error.js';
import { WritableObjectFields } from './storage-records.js';
import type { ObjectRecord, ObjectWriteFields, WritableObjectField } from './storage-records.js';

/** Metadata fields from a request body: a string sets a field, null clears it (PATCH semantics). */
export interface ObjectFieldsChange {
  fields: Partial<Record<WritableObjectField, string | null>>;
  /** Custom metadata to merge: a null value removes that key; null as a whole removes them all. */
  metadata?: Record<string, string | null> | null;
}

/** Reads the writable metadata fields of an object resource, ignoring read-only ones as the API does. */
export function parseObjectFields(
  body: Record<string, unknown>,
): { success: true; data: ObjectFieldsChange } | { success: false; error: StorageError } {
  const fields: ObjectFieldsChange['fields'] = {};
  for (const key of WritableObjectFields) {
    const value = body[key];
    if (value === undefined) continue;
    if (value !== null && typeof value !== 'string') {
      return { success: false, error: invalidRequest(`Invalid value for ${key}: ${JSON.stringify(value)}`) };
    }
    fields[key] = value;
  }
  const raw = body['metadata'];
  if (raw === undefined) return { success: true, data: { fields } };
  if (raw === null) return { success: true, data: { fields, metadata: null } };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    return { success: false, error: invalidRequest('Invalid value for metadata: it must be an object.') };
  }
  const metadata: Record<string, string | null> = {};
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    // Cloud Storage keeps custom metadata as strings; scalars are stored in their text form.
    metadata[key] = value === null ? null : typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
  return { success: true, data: { fields, metadata } };
}

/** Applies a change to existing fields, returning the fields to store. */
export function applyObjectFields(current: ObjectWriteFields, change: ObjectFieldsChange): ObjectWriteFields {
  const next: ObjectWriteFields = { ...current };
  for (const key of WritableObjectFields) {
    const value = change.fields[key];
    if (value === undefined) continue;
    if (value === null || (value === '' && key !== 'contentType')) delete next[key];
    else next[key] = value;
  }
  if (change.metadata === null) {
    delete next.metadata;
  } else if (change.metadata !== undefined) {
    const merged: Record<string, string> = { ...current.metadata };
    for (const [key, value] of Object.entries(change.metadata)) {
      if (value === null) delete merged[key];
      else merged[key] = value;
    }
    if (Object.keys(merged).length > 0) next.metadata = merged;
    else delete next.metadata;
  }
  return next;
}

/** The writable fields of a stored object, to start a PATCH from. */
export function pickObjectFields(record: ObjectWriteFields): ObjectWriteFields {
  const picked: ObjectWriteFields = {};
  for (const key of WritableObjectFields) {
    const value = record[key];
    if (value !== undefined) picked[key] = value;
  }
  if (record.metadata !== undefined) picked.metadata = { ...record.metadata };
  return picked;
}

/** A record with its writable fields replaced by `fields`; an object always keeps a content type. */
export function withObjectFields(record: ObjectRecord, fields: ObjectWriteFields): ObjectRecord {
  const next: ObjectRecord = { ...record };
  for (const key of WritableObjectFields) if (key !== 'contentType') delete next[key];
  delete next.metadata;
  return { ...next, ...fields, contentType: fields.contentType ?? record.contentType };
}
