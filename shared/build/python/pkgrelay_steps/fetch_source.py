"""Step `fetch`: a shallow fetch of exactly the tag, so tools that read the version from git see it."""

import json
import os
import subprocess

from pkgrelay_steps.prelude import emit, env, fail, run


def git_env_with_token(base, token):
    """git's environment; the token travels only here, never in an argument, a URL or a log line."""
    git_env = dict(base)
    if token:
        import base64

        basic = base64.b64encode(("x-access-token:" + token).encode()).decode()
        git_env.update(
            GIT_CONFIG_COUNT="1",
            GIT_CONFIG_KEY_0="http.extraHeader",
            GIT_CONFIG_VALUE_0="Authorization: Basic " + basic,
        )
    git_env["GIT_TERMINAL_PROMPT"] = "0"
    return git_env


def read_head_commit(repo):
    # The checkout is detached, so HEAD holds the commit id itself: read it without another git process.
    with open(os.path.join(repo, ".git", "HEAD")) as fh:
        commit = fh.read().strip()
    if all(c in "0123456789abcdef" for c in commit) and len(commit) in (40, 64):
        return commit
    return subprocess.run(
        ["git", "-C", repo, "rev-parse", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()


def main():
    url, tag = env["PKGRELAY_UPSTREAM_URL"], env["PKGRELAY_TAG"]
    # Secret files and Secret Manager values often end with a newline, which no token contains.
    token = env.get("PKGRELAY_UPSTREAM_TOKEN", "").strip()
    git_env = git_env_with_token(env, token)
    run(["git", "init", "-q", "src"], check=True)
    run(["git", "-C", "src", "remote", "add", "origin", url], check=True)
    ref = "refs/tags/" + tag
    fetched = run(
        ["git", "-C", "src", "fetch", "-q", "--depth", "1", "--no-tags", "origin", ref + ":" + ref],
        env=git_env,
    )
    if fetched.returncode != 0:
        fail(
            "SOURCE_NOT_FOUND",
            "tag "
            + json.dumps(tag)
            + " of "
            + env["PKGRELAY_REPOSITORY"]
            + " could not be fetched from "
            + url
            + ": check that the repository and the tag exist"
            + (" and that the token can read it" if token else "")
            + "; if the tag was deleted, nothing needs doing",
        )
    run(["git", "-C", "src", "-c", "advice.detachedHead=false", "checkout", "-q", ref], check=True)
    commit = read_head_commit("src")
    tree = run(["git", "-C", "src", "rev-parse", "HEAD^{tree}"], capture_output=True, text=True, check=True)
    source = {"commit": commit, "tree": tree.stdout.strip()}
    expected = env.get("PKGRELAY_EXPECT_COMMIT", "")
    if expected and expected != commit:
        # Checked before any upstream code runs: a moved tag must never put another build under a published version.
        fail(
            "SOURCE_MOVED",
            "tag "
            + json.dumps(tag)
            + " now points at "
            + commit
            + ", but version "
            + env["PKGRELAY_VERSION"]
            + " was published from "
            + expected
            + "; pkgrelay never publishes a different build under a published version: tag a new version",
            source=source,
        )
    emit(source)
    print("fetched " + ref + " at " + commit + " (tree " + source["tree"] + ")")


if __name__ == "__main__":
    main()
