import { createHash, timingSafeEqual } from 'node:crypto';

export interface BasicCredentials {
  username: string;
  password: string;
}

/** Whether an `Authorization` header carries exactly these HTTP Basic credentials. */
export function checkBasicAuth(header: string | undefined, expected: BasicCredentials): boolean {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!match?.[1]) return false;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  // Both halves are compared, in constant time over digests of equal length.
  const userOk = sameText(decoded.slice(0, colon), expected.username);
  const passwordOk = sameText(decoded.slice(colon + 1), expected.password);
  return userOk && passwordOk;
}

function sameText(actual: string, expected: string): boolean {
  const digest = (text: string): Buffer => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(actual), digest(expected));
}
