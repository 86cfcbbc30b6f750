/** Where a repository lives upstream: `<base>/<owner>/<name>.git`, as the build's fetch step clones it. */
export function upstreamUrl(upstreamBase: string, repository: string): string {
  return `${upstreamBase.replace(/\/+$/, '')}/${repository}.git`;
}
