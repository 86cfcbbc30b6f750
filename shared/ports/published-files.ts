import type { ListedFile } from '../registry/parse-simple-project-page.js';

/** The registry, as the worker asks it whether a version is already there. */
export interface PublishedFiles {
  /** The files the registry holds for this distribution and version (empty if none), with the sha256 it states. */
  list(name: string, version: string): Promise<ListedFile[]>;
}
