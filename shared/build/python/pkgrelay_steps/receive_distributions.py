"""Step `receive`: the publishing build's first step keeps only the built files, then installs its own tools.

The workspace is the archive the build that ran upstream code made: anything in it beside dist/'s plain
sdists and wheels (a planted tools folder, a module named like one the later steps import) is deleted
before any tool is installed, so verify, check and upload import only what this build installed itself.
"""

import os
import re
import shutil
import stat

from pkgrelay_steps.install_tools import install_tools
from pkgrelay_steps.prelude import emit, env, fail

# A wheel or sdist filename, and nothing that could name a path.
FILENAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+!-]*\.(whl|tar\.gz)$")


def remove(path):
    if stat.S_ISDIR(os.lstat(path).st_mode):
        shutil.rmtree(path)
    else:
        os.unlink(path)


def keep_distributions(root="."):
    """Deletes everything but dist/'s regular sdist and wheel files; returns their names."""
    for name in os.listdir(root):
        if name != "dist":
            remove(os.path.join(root, name))
    dist = os.path.join(root, "dist")
    if not os.path.lexists(dist) or not stat.S_ISDIR(os.lstat(dist).st_mode):
        fail("BUILD_FAILED", "the build's archive holds no dist folder")
    kept, dropped = [], []
    for name in sorted(os.listdir(dist)):
        path = os.path.join(dist, name)
        if FILENAME.match(name) and stat.S_ISREG(os.lstat(path).st_mode):
            kept.append(name)
        else:
            dropped.append(name)
            remove(path)
    if dropped:
        print("dropped from the build's archive: " + ", ".join(dropped))
    if not kept:
        fail("BUILD_FAILED", "the build's archive holds no sdist or wheel")
    return kept


def main():
    kept = keep_distributions()
    print("received " + ", ".join(kept))
    if env.get("PKGRELAY_ISOLATION", "true") == "true":
        install_tools()
    emit({"files": kept})


if __name__ == "__main__":
    main()
