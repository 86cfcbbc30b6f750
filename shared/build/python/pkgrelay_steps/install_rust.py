"""A Rust toolchain for projects whose build backend compiles Rust (maturin, setuptools-rust).

Cloud Build's python images have gcc but no cargo: there the build step installs the pinned toolchain with
rustup (minimal profile) into the workspace. A builder with cargo on its PATH (the local stack has Debian's, or
an image of your own) uses its own.
"""

import os
import platform
import shutil
import stat
import subprocess
import urllib.request

from pkgrelay_steps.prelude import env, fail, last_lines, run

RUST_BACKENDS = ("maturin", "setuptools-rust")
# One pin for every build that installs Rust; raise it with the tool requirements.
RUST_TOOLCHAIN = "1.95.0"
RUSTUP_INIT = "https://static.rust-lang.org/rustup/dist/{arch}-unknown-linux-gnu/rustup-init"
RUST_HOME = os.path.abspath(".pkgrelay-rust")


def needs_rust(requires):
    """Whether a project's build requirements name a backend that compiles Rust."""
    import re

    from packaging.requirements import InvalidRequirement, Requirement

    for text in requires:
        try:
            name = re.sub(r"[-_.]+", "-", Requirement(text).name).lower()
        except InvalidRequirement:
            continue
        if name in RUST_BACKENDS:
            return True
    return False


def rust_env(home=RUST_HOME):
    """What the build's environment needs to find the toolchain installed under `home`."""
    return {
        "CARGO_HOME": os.path.join(home, "cargo"),
        "RUSTUP_HOME": os.path.join(home, "rustup"),
        "PATH": os.path.join(home, "cargo", "bin") + os.pathsep + env.get("PATH", ""),
    }


def ensure_rust(requires):
    """The environment the build needs for cargo: nothing when it needs no Rust or cargo is here, else an install."""
    if not needs_rust(requires) or shutil.which("cargo"):
        return {}
    url = RUSTUP_INIT.format(arch=platform.machine())
    installer = os.path.join(RUST_HOME, "rustup-init")
    advice = (
        "the project builds Rust and this builder has no cargo; installing Rust "
        + RUST_TOOLCHAIN
        + " from "
        + url
        + " failed: "
    )
    os.makedirs(RUST_HOME, exist_ok=True)
    print("+ fetch " + url, flush=True)
    try:
        with urllib.request.urlopen(url, timeout=60) as response, open(installer, "wb") as fh:  # noqa: S310 (a fixed https URL)
            shutil.copyfileobj(response, fh)
    except OSError as error:
        fail("BUILD_FAILED", advice + str(error) + " (or build on an image that has cargo)")
    os.chmod(installer, os.stat(installer).st_mode | stat.S_IXUSR)
    extra = rust_env()
    result = run(
        [installer, "-y", "--no-modify-path", "--profile", "minimal", "--default-toolchain", RUST_TOOLCHAIN],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**env, **extra},
    )
    print(result.stdout, end="")
    if result.returncode != 0:
        fail("BUILD_FAILED", advice + last_lines(result.stdout))
    return extra
