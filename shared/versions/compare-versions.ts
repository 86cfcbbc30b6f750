import { parseVersion } from './parse-version.js';

// Pre-release letters sort before the final release; dev releases before everything of their release.
const PRE_RANK: Record<string, number> = { a: 1, b: 2, rc: 3 };

/** Orders PEP 440 versions (epoch, release, pre, post, dev); local labels are ignored. */
export function compareVersions(left: string, right: string): number {
  const a = sortKey(left);
  const b = sortKey(right);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0);
    if (diff !== 0) return Math.sign(diff);
  }
  return 0;
}

function sortKey(text: string): number[] {
  const normalized = parseVersion(text)?.normalized ?? '0';
  const m = /^(?:(\d+)!)?([\d.]+)(?:(a|b|rc)(\d+))?(?:\.post(\d+))?(?:\.dev(\d+))?/.exec(normalized);
  const release = (m?.[2] ?? '0').split('.').map(Number);
  while (release.length < 6) release.push(0);
  const pre = m?.[3] ? [PRE_RANK[m[3]] ?? 0, Number(m[4])] : m?.[6] && !m?.[5] ? [0, 0] : [4, 0];
  const post = m?.[5] ? Number(m[5]) + 1 : 0;
  const dev = m?.[6] ? Number(m[6]) : Number.MAX_SAFE_INTEGER;
  return [Number(m?.[1] ?? 0), ...release.slice(0, 6), ...pre, post, dev];
}
