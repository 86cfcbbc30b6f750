import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';

export interface ReceivedFile {
  filename: string;
  size: number;
  sha256: string;
  md5: string;
}

export interface ReceivedUpload {
  /** Every text field, with repeated fields (such as `classifiers`) in order. */
  fields: Map<string, string[]>;
  file?: ReceivedFile;
}

export type ReceiveResult = { success: true; data: ReceivedUpload } | { success: false; error: string };

export interface ReceiveLimits {
  maxFileBytes: number;
}

/** Reads a legacy-upload multipart body, streaming its `content` file to `contentPath` while hashing it. */
export async function receiveUpload(
  body: Readable,
  headers: IncomingHttpHeaders,
  contentPath: string,
  { maxFileBytes }: ReceiveLimits,
): Promise<ReceiveResult> {
  let parser: busboy.Busboy;
  try {
    parser = busboy({ headers, limits: { files: 1, fileSize: maxFileBytes, fieldSize: 4 * 1024 * 1024 } });
  } catch (error) {
    return { success: false, error: `Unreadable upload body: ${(error as Error).message}` };
  }
  const fields = new Map<string, string[]>();
  let file: ReceivedFile | undefined;
  let problem: string | undefined;
  const writes: Promise<void>[] = [];

  parser.on('field', (name, value) => fields.set(name, [...(fields.get(name) ?? []), value]));
  parser.on('file', (name, stream, info) => {
    if (name !== 'content') {
      problem = `Unexpected file field "${name}": the distribution goes in field "content".`;
      stream.resume();
      return;
    }
    const filename = info.filename;
    if (!filename) {
      problem = 'The "content" field has no filename: send the distribution as a file.';
      stream.resume();
      return;
    }
    const sha256 = createHash('sha256');
    const md5 = createHash('md5');
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      sha256.update(chunk);
      md5.update(chunk);
    });
    stream.on('limit', () => {
      problem = `File "${filename}" is larger than the ${maxFileBytes} bytes this registry accepts.`;
    });
    writes.push(
      pipeline(stream, createWriteStream(contentPath)).then(() => {
        file = { filename, size, sha256: sha256.digest('hex'), md5: md5.digest('hex') };
      }),
    );
  });
  parser.on('filesLimit', () => {
    problem = 'An upload carries exactly one file.';
  });

  try {
    await pipeline(body, parser);
    await Promise.all(writes);
  } catch (error) {
    return { success: false, error: `Unreadable upload body: ${(error as Error).message}` };
  }
  if (problem) return { success: false, error: problem };
  return { success: true, data: file ? { fields, file } : { fields } };
}
