/** The registry, as the worker asks it whether a version is already there. */
export interface PublishedFiles {
  /** File names the registry holds for this distribution and version (empty if none). */
  list(name: string, version: string): Promise<string[]>;
}
