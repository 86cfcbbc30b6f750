// PEP 440's own regular expression (Appendix B), matched case-insensitively on the whole string.
const PEP440 =
  /^\s*v?(?:(?:(?<epoch>[0-9]+)!)?(?<release>[0-9]+(?:\.[0-9]+)*)(?<pre>[-_.]?(?<pre_l>alpha|a|beta|b|preview|pre|c|rc)[-_.]?(?<pre_n>[0-9]+)?)?(?<post>(?:-(?<post_n1>[0-9]+))|(?:[-_.]?(?<post_l>post|rev|r)[-_.]?(?<post_n2>[0-9]+)?))?(?<dev>[-_.]?(?<dev_l>dev)[-_.]?(?<dev_n>[0-9]+)?)?)(?:\+(?<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?\s*$/i;

export interface Version {
  /** The canonical form, e.g. `1.2.3rc1` for `v1.2.3-RC.1`. */
  normalized: string;
  release: readonly number[];
  isPrerelease: boolean;
}

const PRE_SPELLINGS: Record<string, string> = {
  alpha: 'a',
  a: 'a',
  beta: 'b',
  b: 'b',
  c: 'rc',
  rc: 'rc',
  pre: 'rc',
  preview: 'rc',
};

/** Parses a PEP 440 version (a leading `v` allowed, as PEP 440 does) into its normalized form; undefined when it is none. */
export function parseVersion(text: string): Version | undefined {
  const match = PEP440.exec(text);
  const g = match?.groups;
  if (!g || !g['release']) return undefined;
  const release = g['release'].split('.').map(Number);
  let normalized = '';
  if (g['epoch'] && Number(g['epoch']) !== 0) normalized += `${Number(g['epoch'])}!`;
  normalized += release.join('.');
  if (g['pre_l']) normalized += `${PRE_SPELLINGS[g['pre_l'].toLowerCase()]}${Number(g['pre_n'] ?? 0)}`;
  if (g['post']) normalized += `.post${Number(g['post_n1'] ?? g['post_n2'] ?? 0)}`;
  if (g['dev']) normalized += `.dev${Number(g['dev_n'] ?? 0)}`;
  if (g['local']) normalized += `+${g['local'].toLowerCase().replace(/[-_]/g, '.')}`;
  return { normalized, release, isPrerelease: Boolean(g['pre_l'] || g['dev']) };
}
