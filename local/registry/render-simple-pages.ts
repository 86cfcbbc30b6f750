import { normalizeVersion } from '../../shared/registry/normalize-version.js';
import type { StoredFile } from './create-package-store.js';

/** PEP 700 (`versions`, `size`, `upload-time`) makes this simple API version 1.1. */
export const API_VERSION = '1.1';

/** Relative to `simple/NAME/`, so links work whatever host name the client used. */
function fileHref(file: StoredFile): string {
  return `../../files/${encodeURIComponent(file.normalizedName)}/${encodeURIComponent(file.filename)}`;
}

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function htmlPage(title: string, body: string[]): string {
  return [
    '<!DOCTYPE html>',
    '<html>',
    '  <head>',
    `    <meta name="pypi:repository-version" content="${API_VERSION}">`,
    `    <title>${escapeHtml(title)}</title>`,
    '  </head>',
    '  <body>',
    `    <h1>${escapeHtml(title)}</h1>`,
    ...body.map((line) => `    ${line}<br/>`),
    '  </body>',
    '</html>',
    '',
  ].join('\n');
}

/** The PEP 503 / PEP 691 root index: every normalized project name. */
export function renderProjectList(kind: 'json' | 'html', names: string[]): string {
  if (kind === 'json') {
    return JSON.stringify({
      meta: { 'api-version': API_VERSION },
      projects: names.map((name) => ({ name })),
    });
  }
  return htmlPage(
    'Simple index',
    names.map((name) => `<a href="${escapeHtml(encodeURIComponent(name))}/">${escapeHtml(name)}</a>`),
  );
}

/** The PEP 503 / PEP 691 page of one project, its files linked with their sha256. */
export function renderProjectPage(
  kind: 'json' | 'html',
  normalizedName: string,
  files: StoredFile[],
): string {
  if (kind === 'json') {
    const versions = [
      ...new Map(files.map((file) => [normalizeVersion(file.version), file.version])).values(),
    ];
    return JSON.stringify({
      meta: { 'api-version': API_VERSION },
      name: normalizedName,
      files: files.map((file) => ({
        filename: file.filename,
        url: fileHref(file),
        hashes: { sha256: file.sha256 },
        ...(file.requiresPython ? { 'requires-python': file.requiresPython } : {}),
        size: file.size,
        'upload-time': file.uploadTime,
      })),
      versions,
    });
  }
  return htmlPage(
    `Links for ${normalizedName}`,
    files.map((file) => {
      const requires = file.requiresPython
        ? ` data-requires-python="${escapeHtml(file.requiresPython)}"`
        : '';
      const href = `${fileHref(file)}#sha256=${file.sha256}`;
      return `<a href="${escapeHtml(href)}"${requires}>${escapeHtml(file.filename)}</a>`;
    }),
  );
}
