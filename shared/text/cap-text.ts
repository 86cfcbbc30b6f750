/** `text` cut to at most `max` UTF-16 units, ending in "…" when cut, never in half a surrogate pair. */
export function capText(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = text.slice(0, Math.max(0, max - 1));
  return `${/[\ud800-\udbff]$/.test(head) ? head.slice(0, -1) : head}…`;
}
