import { isValidName, normalizeName } from '../../shared/registry/normalize-name.js';
import { isValidVersion, normalizeVersion } from '../../shared/registry/normalize-version.js';
import { parseDistributionFilename } from '../../shared/registry/parse-distribution-filename.js';
import type { StoredFile } from './create-package-store.js';
import type { ReceivedUpload } from './receive-upload.js';

export type CheckResult = { success: true; data: StoredFile } | { success: false; error: string };

// Plain names only: no path separators, no leading dot, nothing that needs escaping in a URL path.
const SAFE_FILENAME = /^[A-Za-z0-9][A-Za-z0-9._+!-]*$/;

const FILETYPE_OF_KIND = { wheel: 'bdist_wheel', sdist: 'sdist' } as const;

/** Checks a received legacy upload the way a strict index does, and describes the file to store. */
export function checkUpload(upload: ReceivedUpload, now: Date): CheckResult {
  const field = (name: string): string | undefined => upload.fields.get(name)?.[0]?.trim() || undefined;
  const fail = (error: string): CheckResult => ({ success: false, error });

  const action = field(':action');
  if (action !== 'file_upload') {
    return fail(
      `Unsupported ":action" ${JSON.stringify(action ?? '')}: this registry accepts "file_upload".`,
    );
  }
  const { file } = upload;
  if (!file) return fail('The upload has no file: send the distribution in field "content".');
  if (file.size === 0) return fail(`File "${file.filename}" is empty.`);
  const name = field('name');
  const version = field('version');
  if (!name || !isValidName(name)) return fail(`Invalid or missing "name" ${JSON.stringify(name ?? '')}.`);
  if (!version || !isValidVersion(version)) {
    return fail(
      `Invalid or missing "version" ${JSON.stringify(version ?? '')}: it must be a PEP 440 version.`,
    );
  }
  const parsed = SAFE_FILENAME.test(file.filename) ? parseDistributionFilename(file.filename) : undefined;
  if (!parsed) {
    return fail(
      `Invalid distribution filename "${file.filename}": expected a wheel (.whl) or an sdist (.tar.gz, .zip).`,
    );
  }
  if (normalizeName(parsed.name) !== normalizeName(name)) {
    return fail(
      `Filename "${file.filename}" names project "${parsed.name}", but the upload's "name" is "${name}".`,
    );
  }
  if (normalizeVersion(parsed.version) !== normalizeVersion(version)) {
    return fail(
      `Filename "${file.filename}" names version "${parsed.version}", but the upload's "version" is "${version}".`,
    );
  }
  const filetype = field('filetype') ?? FILETYPE_OF_KIND[parsed.kind];
  if (filetype !== FILETYPE_OF_KIND[parsed.kind]) {
    return fail(
      `Filename "${file.filename}" is a ${parsed.kind}, but the upload's "filetype" is "${filetype}".`,
    );
  }
  const sha256 = field('sha256_digest')?.toLowerCase();
  if (!sha256) return fail('Missing "sha256_digest": send the SHA-256 of the file.');
  if (sha256 !== file.sha256) {
    return fail(
      `"sha256_digest" ${sha256} does not match the uploaded file, whose SHA-256 is ${file.sha256}.`,
    );
  }
  const md5 = field('md5_digest')?.toLowerCase();
  if (md5 !== undefined && md5 !== file.md5) {
    return fail(`"md5_digest" ${md5} does not match the uploaded file, whose MD5 is ${file.md5}.`);
  }
  const requiresPython = field('requires_python');
  return {
    success: true,
    data: {
      filename: file.filename,
      name,
      normalizedName: normalizeName(name),
      version,
      filetype,
      sha256: file.sha256,
      md5: file.md5,
      ...(requiresPython ? { requiresPython } : {}),
      size: file.size,
      uploadTime: now.toISOString(),
    },
  };
}
