// Small formatting helpers for the status page; pure, so they read the same in every browser.

/** `2.1 kB`, in SI units as pip and PyPI show sizes. */
export function formatBytes(bytes) {
  if (!Number.isFinite(bytes)) return '';
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB'];
  let value = bytes;
  let unit = 'B';
  for (const next of units) {
    if (value < 1000) break;
    value /= 1000;
    unit = next;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${unit}`;
}

/** `just now`, `3 min ago`, `2 h ago`, `5 days ago`. */
export function formatRelative(iso, now = Date.now()) {
  const seconds = Math.round((now - Date.parse(iso)) / 1000);
  if (!Number.isFinite(seconds)) return '';
  if (seconds < 10) return 'just now';
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ago`;
  const days = Math.floor(seconds / 86400);
  return `${days} day${days === 1 ? '' : 's'} ago`;
}

/** `45 s`, `2 min 5 s`, `1 h 3 min`. */
export function formatDuration(ms) {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min${seconds % 60 ? ` ${seconds % 60} s` : ''}`;
  return `${Math.floor(minutes / 60)} h${minutes % 60 ? ` ${minutes % 60} min` : ''}`;
}

/** A local date and time, for titles; `short` leaves out today's date, for history lists. */
export function formatDateTime(iso, { short = false } = {}) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  // Today's times need no date.
  if (short && date.toDateString() === new Date().toDateString()) return date.toLocaleTimeString();
  return date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

/** The local time of day, for "checked at". */
export function formatClock(date) {
  return date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** Only http(s) links from the JSON become hrefs, so a status document can never inject script. */
export function safeHref(url) {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

/** `1 published`, `2 failed`: counts with their noun. */
export function plural(count, noun, nouns = `${noun}s`) {
  return `${count} ${count === 1 ? noun : nouns}`;
}

/** The platforms a wheel's tags name (e.g. `manylinux_2_17_x86_64`); undefined for pure wheels and sdists. */
export function formatPlatform(tags) {
  const platforms = [...new Set((tags ?? []).map((tag) => tag.split('-')[2] ?? 'any'))].filter(
    (p) => p !== 'any',
  );
  return platforms.length ? platforms.join(', ') : undefined;
}
