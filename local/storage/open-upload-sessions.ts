import { randomBytes } from 'node:crypto';
import { readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Preconditions } from './check-preconditions.js';
import { createKeyLock } from '../net/create-key-lock.js';
import type { ObjectRecord, ObjectWriteFields } from './storage-records.js';
import { writeFileAtomically } from './write-file-atomically.js';

/** A resumable upload, kept on disk beside its received bytes so it survives a restart of the server. */
export interface UploadSession {
  id: string;
  bucket: string;
  name: string;
  fields: ObjectWriteFields;
  preconditions: Preconditions;
  createdAt: string;
  /** The object this session became, so a repeated final request gets the same answer. */
  completed?: ObjectRecord;
}

export interface UploadSessions {
  create(session: Omit<UploadSession, 'id' | 'createdAt'>): Promise<UploadSession>;
  get(id: string): Promise<UploadSession | undefined>;
  /** Where the bytes received so far are appended. */
  partPath(id: string): string;
  /** How many bytes the session holds. */
  received(id: string): Promise<number>;
  markCompleted(session: UploadSession, record: ObjectRecord): Promise<void>;
  remove(id: string): Promise<void>;
  /** Serializes requests on one session, so chunks are appended in order. */
  withSessionLock<T>(id: string, task: () => Promise<T>): Promise<T>;
}

/** Resumable upload sessions stored under `dir` as `<id>.json` and `<id>.part`. */
export function openUploadSessions(dir: string, clock: () => Date = () => new Date()): UploadSessions {
  const locks = createKeyLock();
  const sessionPath = (id: string) => join(dir, `${id}.json`);
  const partPath = (id: string) => join(dir, `${id}.part`);
  return {
    async create(fields) {
      const session: UploadSession = {
        id: randomBytes(24).toString('base64url'),
        createdAt: clock().toISOString(),
        ...fields,
      };
      await writeFileAtomically(partPath(session.id), '');
      await writeFileAtomically(sessionPath(session.id), JSON.stringify(session));
      return session;
    },
    async get(id) {
      // Ids are ours and URL-safe base64; anything else must not reach the file system.
      if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) return undefined;
      const text = await readFile(sessionPath(id), 'utf8').catch(() => undefined);
      return text === undefined ? undefined : (JSON.parse(text) as UploadSession);
    },
    partPath,
    received: async (id) => (await stat(partPath(id)).catch(() => ({ size: 0 }))).size,
    async markCompleted(session, record) {
      await writeFileAtomically(sessionPath(session.id), JSON.stringify({ ...session, completed: record }));
      await rm(partPath(session.id), { force: true });
    },
    async remove(id) {
      await rm(partPath(id), { force: true });
      await rm(sessionPath(id), { force: true });
    },
    withSessionLock: (id, task) => locks.run(id, task),
  };
}
