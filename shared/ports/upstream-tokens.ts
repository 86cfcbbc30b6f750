/** Where the tokens of private upstreams live: Secret Manager, the same secrets the builds read. */
export interface UpstreamTokens {
  /** The latest version of the secret, without a trailing newline; rejects when it cannot be read. */
  read(secretId: string): Promise<string>;
}
