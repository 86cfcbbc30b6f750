/** The commit each upstream tag points at, as reconcile compares it with the commit a job was built from. */
export interface UpstreamTagCommits {
  /** Tag name → commit (an annotated tag's peeled commit), for every tag of the repository upstream. */
  commits(repository: string): Promise<Map<string, string>>;
}
