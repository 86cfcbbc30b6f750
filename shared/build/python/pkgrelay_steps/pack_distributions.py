"""Step `pack`: the built files as one archive, the only thing the publishing build receives from this one.

Cloud Build uploads it to the staging bucket (`artifacts.objects`); the publishing build unpacks it as its
source. Only regular files directly in dist/ travel: whatever else the build step left stays behind.
"""

import os
import stat
import tarfile

from pkgrelay_steps.prelude import emit, fail

ARCHIVE = "pkgrelay-dist.tar.gz"


def distribution_files(dist="dist"):
    """The sdists and wheels in dist/, refusing a dist/ that is not a plain folder of plain files."""
    if not stat.S_ISDIR(os.lstat(dist).st_mode):
        fail("BUILD_FAILED", "dist is not a folder: the build step replaced it")
    names = []
    for name in sorted(os.listdir(dist)):
        if not (name.endswith(".whl") or name.endswith(".tar.gz")):
            continue
        if not stat.S_ISREG(os.lstat(os.path.join(dist, name)).st_mode):
            fail("BUILD_FAILED", "dist/" + name + " is not a regular file: the build step replaced it")
        names.append(name)
    return names


def main():
    names = distribution_files()
    if os.path.lexists(ARCHIVE):
        os.unlink(ARCHIVE)
    with tarfile.open(ARCHIVE, "w:gz") as tar:
        tar.add("dist", arcname="dist", recursive=False)
        for name in names:
            tar.add(os.path.join("dist", name), arcname="dist/" + name, recursive=False)
    print("packed " + ", ".join(names) + " into " + ARCHIVE)
    emit({"files": names})


if __name__ == "__main__":
    main()
