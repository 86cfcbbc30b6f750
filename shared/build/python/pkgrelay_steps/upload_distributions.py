"""Step `upload`: twine to the registry; files it already holds are skipped and reported, not failed."""

import hashlib
import os
import subprocess
import sys

from pkgrelay_steps.install_tools import install_tools
from pkgrelay_steps.prelude import TOOLS, emit, env, fail, last_lines, run, run_module, strip_controls


def main():
    files = [os.path.join("dist", name) for name in sorted(os.listdir("dist"))]
    args = [
        "upload",
        "--non-interactive",
        "--skip-existing",
        "--disable-progress-bar",
        "--repository-url",
        env["PKGRELAY_REGISTRY_URL"],
        *files,
    ]
    if env.get("PKGRELAY_REGISTRY_AUTH") == "google":
        # Artifact Registry's keyring backend authenticates twine as the build's service account: no stored key.
        install_tools("upload-auth-requirements.txt")
        # A second interpreter, so keyring finds the backend installed after this one started.
        result = run(
            [sys.executable, "-m", "twine", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**env, "PYTHONPATH": TOOLS, "NO_COLOR": "1"},
        )
    else:
        result = run_module(
            "twine",
            args,
            {
                "TWINE_USERNAME": env.get("TWINE_USERNAME", "pkgrelay"),
                "TWINE_PASSWORD": env.get("TWINE_PASSWORD", "pkgrelay"),
                "NO_COLOR": "1",
            },
        )
    output = strip_controls(result.stdout)
    print(output, end="")
    if result.returncode != 0:
        fail(
            "UPLOAD_REJECTED",
            "the registry refused the upload: "
            + last_lines(output)
            + " (check the registry URL and that the build's service account may write to it)",
        )
    artifacts = []
    for path in files:
        name = os.path.basename(path)
        with open(path, "rb") as fh:
            digest = hashlib.sha256(fh.read()).hexdigest()
        skipped = ("Skipping " + name) in output
        artifacts.append(
            {
                "filename": name,
                "sha256": digest,
                "size": os.path.getsize(path),
                "kind": "wheel" if name.endswith(".whl") else "sdist",
                "uploaded": not skipped,
            }
        )
    emit({"artifacts": artifacts})


if __name__ == "__main__":
    main()
