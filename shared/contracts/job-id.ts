import { repositoryKey } from './repository-name.js';

export interface JobId {
  /** As the request spelled it, for display. */
  repository: string;
  tag: string;
}

/** One key per (repository, tag): repository case-insensitive, the tag exact. */
export function jobKey({ repository, tag }: JobId): string {
  return `${repositoryKey(repository)}@${tag}`;
}

/** The status object of a job: every (repository, tag) maps to exactly one object, tags with `/` included. */
export function jobObjectPath({ repository, tag }: JobId): string {
  return `jobs/${repositoryKey(repository)}/${encodeURIComponent(tag)}.json`;
}

/** The prefix under which every job status object of one repository lies, and nothing else. */
export function jobsPrefix(repository: string): string {
  return `jobs/${repositoryKey(repository)}/`;
}

/** The per-repository index object that lists every job of the repository. */
export function indexObjectPath(repository: string): string {
  return `repos/${repositoryKey(repository)}/index.json`;
}

/** The shields.io endpoint badge of the repository's latest published version. */
export function badgeObjectPath(repository: string): string {
  return `repos/${repositoryKey(repository)}/badge.json`;
}

/** The poll state of a repository: when reconcile last listed its tags, and how that went. */
export function pollStateObjectPath(repository: string): string {
  return `repos/${repositoryKey(repository)}/poll.json`;
}
