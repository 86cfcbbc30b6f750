"""Step `upload`: twine uploads the files the registry lacks; those it holds are skipped and reported.

twine 6.2 and later refuse --skip-existing for indexes other than PyPI, so the step asks the index's
simple page what it holds, uploads the rest, and records each file with the digest the index reports.
"""

import base64
import hashlib
import os
import subprocess
import sys

from pkgrelay_steps.allowed_names import refuse_foreign
from pkgrelay_steps.install_tools import install_tools
from pkgrelay_steps.prelude import TOOLS, emit, env, fail, last_lines, run, run_module, strip_controls, use_tools
from pkgrelay_steps.registry_files import registry_files
from pkgrelay_steps.wheel_tags import wheel_tags


def sha256_of(path):
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


def project_name(filename):
    from packaging.utils import parse_sdist_filename, parse_wheel_filename

    return str(parse_wheel_filename(filename)[0] if filename.endswith(".whl") else parse_sdist_filename(filename)[0])


def google_authorization():
    # The build's service account, as the keyring backend authenticates twine.
    import google.auth
    import google.auth.transport.requests

    credentials, _ = google.auth.default(scopes=["https://www.googleapis.com/auth/cloud-platform"])
    credentials.refresh(google.auth.transport.requests.Request())
    return "Bearer " + credentials.token


def twine_upload(files, google):
    args = ["upload", "--non-interactive", "--disable-progress-bar", "--repository-url", env["PKGRELAY_REGISTRY_URL"]]
    if google:
        # A second interpreter, so keyring finds the backend installed after this one started.
        return run(
            [sys.executable, "-m", "twine", *args, *files],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**env, "PYTHONPATH": TOOLS, "NO_COLOR": "1"},
        )
    return run_module("twine", [*args, *files], {**credentials(), "NO_COLOR": "1"})


def credentials():
    return {
        "TWINE_USERNAME": env.get("TWINE_USERNAME", "pkgrelay"),
        "TWINE_PASSWORD": env.get("TWINE_PASSWORD", "pkgrelay"),
    }


def describe(files, digests, held, missing):
    """Each file as the index holds it: the sha256 it reports, and whether this build's bytes went up."""
    artifacts = []
    for path in files:
        filename, digest = os.path.basename(path), digests[path]
        reported = held.get(filename) or digest
        artifacts.append(
            {
                "filename": filename,
                "sha256": reported,
                "size": os.path.getsize(path),
                "kind": "wheel" if filename.endswith(".whl") else "sdist",
                "uploaded": path in missing and held.get(filename) == digest,
                **({"builtSha256": digest} if reported != digest else {}),
                **({"tags": wheel_tags(filename)} if filename.endswith(".whl") else {}),
            }
        )
    return artifacts


def refuse(refused, held, output, artifacts):
    """Fails the job, saying which files went up before the refusal and what to do next."""
    names = [os.path.basename(path) for path in refused]
    taken = [name for name in names if name in held]
    if taken:
        reason = (
            "the registry holds "
            + ", ".join(taken)
            + " with another sha256 than this build's: it was uploaded by someone else meanwhile, and a "
            + "registry never replaces a file"
        )
    else:
        reason = (
            "the registry refused "
            + ", ".join(names)
            + ": "
            + last_lines(output)
            + " (check the registry URL and that the publisher service account may write to it)"
        )
    uploaded = [artifact["filename"] for artifact in artifacts if artifact["uploaded"]]
    if uploaded:
        after = (
            "; uploaded before the refusal: "
            + ", ".join(uploaded)
            + (", so the version mixes two builds" if taken else ", so the version is incomplete")
            + ": delete it from the registry (gcloud artifacts versions delete) and publish the tag again "
            + 'with "force": true, or tag a new version'
        )
    else:
        after = '; nothing of this build was uploaded: publish the tag again with "force": true, or tag a new version'
    fail("UPLOAD_REJECTED", reason + after, output={"artifacts": artifacts})


def main():
    use_tools()
    files = [os.path.join("dist", name) for name in sorted(os.listdir("dist"))]
    # The last word before the registry: nothing of another repository's names leaves this build.
    refuse_foreign([project_name(os.path.basename(path)) for path in files])
    google = env.get("PKGRELAY_REGISTRY_AUTH") == "google"
    if google:
        install_tools("upload-auth-requirements.txt")
        authorization = google_authorization()
    else:
        pair = credentials()
        authorization = (
            "Basic " + base64.b64encode((pair["TWINE_USERNAME"] + ":" + pair["TWINE_PASSWORD"]).encode()).decode()
        )
    registry, name = env["PKGRELAY_REGISTRY_URL"], project_name(os.path.basename(files[0]))
    held = registry_files(registry, name, authorization)
    digests = {path: sha256_of(path) for path in files}
    # A file of this version that the index holds with another digest is not this build's: adding this build's
    # other files beside it would mix two builds under one version, so nothing is uploaded.
    foreign = [path for path in files if held.get(os.path.basename(path), digests[path]) != digests[path]]
    missing = [] if foreign else [path for path in files if os.path.basename(path) not in held]
    for path in foreign:
        print("Not uploading: the registry holds " + os.path.basename(path) + " with another sha256 than this build's")
    for path in files:
        if path not in missing:
            print("Skipping " + os.path.basename(path) + ": the registry already holds it")
    if missing:
        result = twine_upload(missing, google)
        output = strip_controls(result.stdout)
        print(output, end="")
        held = registry_files(registry, name, authorization)
        # Another build may have uploaded the same file meanwhile: what counts is what the index holds now.
        # Refused: held with another digest, or absent after twine failed (an index may list a file late).
        refused = [
            path
            for path in missing
            if held.get(os.path.basename(path), None if result.returncode else digests[path]) != digests[path]
        ]
        if refused:
            refuse(refused, held, output, describe(files, digests, held, missing))
    artifacts = describe(files, digests, held, missing)
    emit({"artifacts": artifacts})


if __name__ == "__main__":
    main()
