/**
 * The Build as Cloud Build's REST JSON, whatever shape the client returned: protobuf messages,
 * Buffers for step outputs, Longs for durations. `readBuild` reads that JSON.
 */
export function toBuildJson(value: unknown): unknown {
  if (value === null || value === undefined) return value;
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(toBuildJson);
  if (typeof value !== 'object') return value;
  if (isLong(value)) return value.toString();
  // A protobufjs message turns itself into REST JSON (enums by name, bytes as base64, longs as strings).
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return toBuildJson(toJSON.call(value) as unknown);
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, toBuildJson(inner)]));
}

function isLong(value: object): value is { toString(): string } {
  const candidate = value as { low?: unknown; high?: unknown; unsigned?: unknown };
  return (
    typeof candidate.low === 'number' &&
    typeof candidate.high === 'number' &&
    typeof candidate.unsigned === 'boolean'
  );
}
