/** The upstream repositories' tags, as reconcile and backfill compare them with the jobs. */
export interface UpstreamTags {
  /** Every tag of the repository upstream (names only, validated as git tag names); `token` for a private one. */
  list(repository: string, options?: { token?: string }): Promise<string[]>;
}
