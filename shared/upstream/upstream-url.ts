// GitHub-only: one base for every repository, laid out `<owner>/<name>.git`; a second source needs a base of its own.
/** Where a repository lives upstream: `<base>/<owner>/<name>.git`, as the build's fetch step clones it. */
export function upstreamUrl(upstreamBase: string, repository: string): string {
  return `${upstreamBase.replace(/\/+$/, '')}/${repository}.git`;
}
