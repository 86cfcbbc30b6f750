import { compare, valid } from '@renovatebot/pep440';

/**
 * Orders PEP 440 versions as pip and packaging do (epoch, release, pre, post, dev, local), with
 * renovate's port of packaging; a string that is no version sorts before every version.
 */
export function compareVersions(left: string, right: string): number {
  const leftValid = valid(left) !== null;
  const rightValid = valid(right) !== null;
  if (leftValid && rightValid) return Math.sign(compare(left, right));
  return Number(leftValid) - Number(rightValid);
}
