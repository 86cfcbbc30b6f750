"""Step `verify`: the built sdist and wheel carry the version the tag names and the configured name.

With `versionPolicy: "from-tag"` or a `distributionName`, both files are rewritten to match.
"""

import email.parser
import json
import os
import re
import tarfile
import zipfile

from pkgrelay_steps.allowed_names import refuse_foreign
from pkgrelay_steps.prelude import emit, env, fail, use_tools
from pkgrelay_steps.rewrite import rewrite_sdist, rewrite_wheel


def canonicalize_name(name):
    # PEP 503, as packaging.utils has it; that module would also import packaging.tags (logging, sysconfig).
    return re.sub(r"[-_.]+", "-", name).lower()


def wheel_metadata(path):
    with zipfile.ZipFile(path) as whl:
        name = next(n for n in whl.namelist() if n.count("/") == 1 and n.endswith(".dist-info/METADATA"))
        return email.parser.Parser().parsestr(whl.read(name).decode("utf-8"))


def sdist_metadata(path):
    with tarfile.open(path) as tar:
        member = next(m for m in tar.getmembers() if m.name.count("/") == 1 and m.name.endswith("/PKG-INFO"))
        return email.parser.Parser().parsestr(tar.extractfile(member).read().decode("utf-8"))


def filename_name(path):
    # The project part of `name-version-….whl` or `name-version.tar.gz`, as an index files it.
    name = os.path.basename(path)
    return name.split("-")[0] if name.endswith(".whl") else name[: -len(".tar.gz")].rpartition("-")[0]


def same_version(text, expected):
    from packaging.version import InvalidVersion, Version

    try:
        return Version(text) == expected
    except InvalidVersion:
        return False


def read_all(dist="dist"):
    found = {}
    for name in sorted(os.listdir(dist)):
        path = os.path.join(dist, name)
        try:
            meta = wheel_metadata(path) if name.endswith(".whl") else sdist_metadata(path)
        except (StopIteration, zipfile.BadZipFile, tarfile.TarError) as error:
            fail("METADATA_INVALID", name + " has no readable metadata (" + type(error).__name__ + ")")
        found[path] = meta
        print(
            name
            + ": Name "
            + str(meta["Name"])
            + ", Version "
            + str(meta["Version"])
            + ", Metadata-Version "
            + str(meta["Metadata-Version"])
        )
    return found


def main():
    use_tools()
    from packaging.version import Version

    tag, policy = env["PKGRELAY_TAG"], env.get("PKGRELAY_VERSION_POLICY") or "must-match"
    expected = Version(env["PKGRELAY_VERSION"])
    found = read_all()
    built_names = sorted({str(meta["Name"]) for meta in found.values()})
    if len({canonicalize_name(name) for name in built_names}) != 1:
        fail("METADATA_INVALID", "the sdist and the wheel name different projects: " + ", ".join(built_names))
    built_name = built_names[0]
    mismatched = sorted(
        {str(meta["Version"]) for meta in found.values() if not same_version(meta["Version"], expected)}
    )
    if mismatched and policy != "from-tag":
        fail(
            "VERSION_MISMATCH",
            "the tag "
            + json.dumps(tag)
            + " names version "
            + str(expected)
            + " but the project built "
            + ", ".join(mismatched)
            + ': bump the version in the project before tagging, or set "versionPolicy": "from-tag"',
        )
    name = env.get("PKGRELAY_DISTRIBUTION_NAME") or built_name
    renamed, reversioned = name != built_name, bool(mismatched)
    if renamed or reversioned:
        print(
            "rewriting as "
            + name
            + " "
            + str(expected)
            + " (built as "
            + built_name
            + " "
            + ", ".join(mismatched or [str(expected)])
            + ")"
        )
        for path in list(found):
            if path.endswith(".whl"):
                print("  " + path + " -> " + rewrite_wheel(path, name, str(expected)))
            else:
                print("  " + path + " -> " + rewrite_sdist(path, name, str(expected), renamed, reversioned))
        found = read_all()
        wrong = sorted(
            path for path, meta in found.items() if meta["Name"] != name or not same_version(meta["Version"], expected)
        )
        if wrong:
            fail(
                "METADATA_INVALID",
                "rewriting left " + ", ".join(wrong) + " without Name " + name + " and Version " + str(expected),
            )
    # What will be published, by its metadata and by its filenames: both must be this repository's.
    refuse_foreign([str(meta["Name"]) for meta in found.values()] + [filename_name(path) for path in found])
    built_as = {"builtAs": {"name": built_name, "version": ", ".join(mismatched) or str(expected)}}
    emit(
        {
            "name": name,
            "version": str(expected),
            "files": sorted(os.listdir("dist")),
            **(built_as if renamed or reversioned else {}),
        }
    )


if __name__ == "__main__":
    main()
