import type { File } from '@google-cloud/storage';

/** An object's bytes and the generation served, in one request (x-goog-generation); undefined when absent. */
export async function downloadWithGeneration(
  file: File,
): Promise<{ contents: Buffer; generation: string } | undefined> {
  let generation = '';
  const chunks: Buffer[] = [];
  try {
    const stream = file
      .createReadStream()
      .on('response', (response: { headers?: Record<string, unknown> }) => {
        generation = String(response.headers?.['x-goog-generation'] ?? '');
      });
    for await (const chunk of stream) chunks.push(chunk as Buffer);
  } catch (error) {
    if ((error as { code?: unknown }).code === 404) return undefined;
    throw error;
  }
  if (!generation) throw new Error(`${file.name} was downloaded without its generation (x-goog-generation)`);
  return { contents: Buffer.concat(chunks), generation };
}
