// The PEP 440 public and local version pattern, as `packaging` spells it (case-insensitive).
const PEP440 = new RegExp(
  '^\\s*v?' +
    '(?:(?<epoch>[0-9]+)!)?' +
    '(?<release>[0-9]+(?:\\.[0-9]+)*)' +
    '(?<pre>[-_.]?(?<preL>alpha|beta|preview|pre|a|b|c|rc)[-_.]?(?<preN>[0-9]+)?)?' +
    '(?<post>(?:-(?<postN1>[0-9]+))|(?:[-_.]?(?<postL>post|rev|r)[-_.]?(?<postN2>[0-9]+)?))?' +
    '(?<dev>[-_.]?(?<devL>dev)[-_.]?(?<devN>[0-9]+)?)?' +
    '(?:\\+(?<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?' +
    '\\s*$',
  'i',
);

const PRE_LABELS: Record<string, string> = {
  a: 'a',
  alpha: 'a',
  b: 'b',
  beta: 'b',
  c: 'rc',
  rc: 'rc',
  pre: 'rc',
  preview: 'rc',
};

/** Whether `version` is a valid PEP 440 version. */
export function isValidVersion(version: string): boolean {
  return PEP440.test(version);
}

/**
 * The PEP 440 normal form of `version` with trailing `.0`s dropped from the release, so that two
 * versions PEP 440 holds equal (`1.0` and `1.0.0`, `1.0-alpha1` and `1.0a1`) give the same string.
 * Invalid versions come back lowercased and trimmed, so they still compare by exact text.
 */
export function normalizeVersion(version: string): string {
  const match = PEP440.exec(version);
  const groups = match?.groups;
  if (!groups) return version.trim().toLowerCase();
  const release = (groups['release'] ?? '0').split('.').map((part) => String(Number(part)));
  while (release.length > 1 && release[release.length - 1] === '0') release.pop();
  let text = '';
  const epoch = Number(groups['epoch'] ?? '0');
  if (epoch !== 0) text += `${epoch}!`;
  text += release.join('.');
  if (groups['pre'] !== undefined) {
    text += `${PRE_LABELS[(groups['preL'] ?? '').toLowerCase()] ?? ''}${Number(groups['preN'] ?? '0')}`;
  }
  if (groups['post'] !== undefined) text += `.post${Number(groups['postN1'] ?? groups['postN2'] ?? '0')}`;
  if (groups['dev'] !== undefined) text += `.dev${Number(groups['devN'] ?? '0')}`;
  if (groups['local'] !== undefined) text += `+${groups['local'].toLowerCase().replace(/[-_]/g, '.')}`;
  return text;
}
