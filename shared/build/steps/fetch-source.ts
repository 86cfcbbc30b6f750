import { PRELUDE } from './prelude.js';

/** Step `fetch`: a shallow fetch of exactly the tag, so tools that read the version from git (setuptools-scm) see it. */
export const FETCH_SOURCE =
  PRELUDE +
  String.raw`
url, tag = env["PKGRELAY_UPSTREAM_URL"], env["PKGRELAY_TAG"]
git_env = dict(env)
# Secret files and Secret Manager values often end with a newline, which no token contains.
token = env.get("PKGRELAY_UPSTREAM_TOKEN", "").strip()
if token:
    # The token travels in git's environment only: never in an argument, a URL or a log line.
    import base64
    basic = base64.b64encode(("x-access-token:" + token).encode()).decode()
    git_env.update(GIT_CONFIG_COUNT="1", GIT_CONFIG_KEY_0="http.extraHeader", GIT_CONFIG_VALUE_0="Authorization: Basic " + basic)
git_env["GIT_TERMINAL_PROMPT"] = "0"
run(["git", "init", "-q", "src"], check=True)
run(["git", "-C", "src", "remote", "add", "origin", url], check=True)
ref = "refs/tags/" + tag
fetched = run(["git", "-C", "src", "fetch", "-q", "--depth", "1", "--no-tags", "origin", ref + ":" + ref], env=git_env)
if fetched.returncode != 0:
    fail("SOURCE_NOT_FOUND", "tag " + json.dumps(tag) + " of " + env["PKGRELAY_REPOSITORY"] + " could not be fetched from " + url
         + ": check that the repository and the tag exist" + (" and that the token can read it" if token else "")
         + "; if the tag was deleted, nothing needs doing")
run(["git", "-C", "src", "-c", "advice.detachedHead=false", "checkout", "-q", ref], check=True)
# The checkout is detached, so HEAD holds the commit id itself: read it without another git process.
with open(os.path.join("src", ".git", "HEAD")) as fh:
    commit = fh.read().strip()
if not all(c in "0123456789abcdef" for c in commit) or len(commit) not in (40, 64):
    commit = subprocess.run(["git", "-C", "src", "rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
emit({"commit": commit})
print("fetched " + ref + " at " + commit)
`;
