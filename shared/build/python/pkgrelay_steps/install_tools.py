"""The steps' pinned tools, installed where every later step of the build finds them."""

import os
import sys
import tempfile

from pkgrelay_steps import read_data
from pkgrelay_steps.prelude import TOOLS, fail, last_lines, run, use_tools


def install_tools(requirements="tool-requirements.txt", target=TOOLS):
    """pip-installs one of the pinned requirements files, without resolving anything else."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as fh:
        fh.write(read_data(requirements))
    try:
        result = run(
            [
                sys.executable,
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "--no-deps",
                "--only-binary",
                ":all:",
                "--target",
                target,
                "-r",
                fh.name,
            ],
            capture_output=True,
            text=True,
        )
    finally:
        os.unlink(fh.name)
    print(result.stdout + result.stderr, end="")
    if result.returncode != 0:
        fail(
            "BUILD_FAILED",
            "the build's own tools could not be installed from the package index: "
            + last_lines(result.stdout + result.stderr)
            + " (check that the build can reach PyPI)",
        )
    use_tools()
