/** Reads a protobuf JSON Duration ("600s", "1.5s") as milliseconds; undefined when it is not one. */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^(-?\d+)(?:\.(\d{1,9}))?s$/.exec(value);
  if (!match) return undefined;
  const seconds = Number(match[1]);
  const fraction = match[2] ? Number(`0.${match[2]}`) : 0;
  return Math.round((seconds + Math.sign(seconds || 1) * fraction) * 1000);
}
