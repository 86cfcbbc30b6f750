import type { ListedFile } from '../registry/parse-simple-project-page.js';
import type { JobStatus } from './job-status.js';
import type { RecordedFiles } from './find-recorded-files.js';

export type ExistingFile = NonNullable<JobStatus['existingFiles']>[number];

/**
 * Tells apart the files the registry already holds for a version: pkgrelay's (the sha256 a job recorded)
 * and those published outside pkgrelay. The reason names the outside files with their digests, so a
 * skip is never mistaken for a publication.
 */
export function judgeExistingFiles(
  name: string,
  version: string,
  files: readonly ListedFile[],
  recorded: RecordedFiles,
): { existingFiles: ExistingFile[]; reason: string } {
  const existingFiles = files.map((file): ExistingFile => {
    const mine = file.sha256 ? recorded.get(file.sha256) : undefined;
    return {
      filename: file.filename,
      sha256: file.sha256 ?? 'unknown',
      publishedBy: mine ? 'pkgrelay' : 'outside',
      ...(mine ? { tag: mine.tag } : {}),
    };
  });
  const outside = existingFiles.filter((file) => file.publishedBy === 'outside');
  const ours = existingFiles.filter((file) => file.publishedBy === 'pkgrelay');
  const parts: string[] = [];
  if (ours.length) {
    const tags = [...new Set(ours.map((file) => file.tag))].join(', ');
    parts.push(`published by pkgrelay before (tag ${tags}): ${ours.map((file) => file.filename).join(', ')}`);
  }
  if (outside.length) {
    const listed = outside.map((file) => `${file.filename} (sha256 ${file.sha256})`).join(', ');
    parts.push(`published outside pkgrelay: ${listed}`);
  }
  return {
    existingFiles,
    reason: `${name} ${version} is already in the registry; ${parts.join('; ')}; no build ran`,
  };
}
