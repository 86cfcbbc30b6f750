import type { IncomingMessage } from 'node:http';

/** Reads a whole (small) request body; larger bodies are refused rather than held in memory. */
export async function readRequestBody(req: IncomingMessage, limitBytes = 64 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req) {
    total += (chunk as Buffer).byteLength;
    if (total > limitBytes) throw new RangeError(`Request body exceeds ${limitBytes} bytes.`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Reads a JSON object body; an empty body is an empty object, as the JSON API treats it. */
export async function readJsonObject(
  req: IncomingMessage,
): Promise<{ success: true; data: Record<string, unknown> } | { success: false; error: string }> {
  const text = (await readRequestBody(req, 1024 * 1024)).toString('utf8');
  if (text.trim() === '') return { success: true, data: {} };
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      return { success: true, data: value as Record<string, unknown> };
    }
    return { success: false, error: 'The request body must be a JSON object.' };
  } catch (error) {
    return { success: false, error: `Parse Error: ${(error as Error).message}` };
  }
}

/** Discards a body the server will not use, so the connection can carry the next request. */
export function drainRequest(req: IncomingMessage): void {
  req.resume();
}
