/** A step's `$BUILDER_OUTPUT/output` as JSON: REST JSON carries it as base64, the client library as bytes. */
export function decodeStepOutput(output: string | Uint8Array | null | undefined): unknown {
  if (!output || output.length === 0) return undefined;
  try {
    const bytes = typeof output === 'string' ? Buffer.from(output, 'base64') : Buffer.from(output);
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
}
