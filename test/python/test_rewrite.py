"""Rewriting built archives under another name and version, with what real backends rarely put in."""

import base64
import csv
import hashlib
import io
import tarfile
import zipfile

from pkgrelay_steps.rewrite import rewrite_sdist, rewrite_wheel

META = (
    "Metadata-Version: 2.1\nName: old.Name\nVersion: 0.1\nSummary: s\nLicense: line one\n"
    "        Name: not a header\n\nName: body text stays\n"
)
LONG_DIR = "old.Name-0.1/" + "d" * 120 + "/"


def make_wheel(path):
    with zipfile.ZipFile(path, "w") as whl:
        whl.writestr("old_name/__init__.py", "x = 1\n")
        whl.writestr("old_name-0.1.data/scripts/tool", "#!python\nprint(1)\n")
        whl.writestr("old_name-0.1.dist-info/METADATA", META)
        whl.writestr("old_name-0.1.dist-info/WHEEL", "Wheel-Version: 1.0\n")
        whl.writestr("old_name-0.1.dist-info/entry_points.txt", "[console_scripts]\nt = old_name:x\n")
        whl.writestr("old_name-0.1.dist-info/RECORD.jws", "{}")
        whl.writestr("old_name-0.1.dist-info/RECORD", "stale,,\n")


def make_sdist(path):
    with tarfile.open(path, "w:gz", format=tarfile.GNU_FORMAT) as tar:

        def add(name, data, **extra):
            info = tarfile.TarInfo(name)
            for key, value in extra.items():
                setattr(info, key, value)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))

        add("old.Name-0.1/PKG-INFO", META.encode())
        add("old.Name-0.1/src/old.Name.egg-info/PKG-INFO", META.encode())
        add("old.Name-0.1/setup.cfg", b"[metadata]\nname = old.Name\nversion = 0.1\n\n[options]\nname = untouched\n")
        add(
            "old.Name-0.1/pyproject.toml",
            b'[project]\nname = "old.Name"  \nversion = "0.1"\n\n[tool.other]\nname = "untouched"\n',
        )
        add(LONG_DIR + "file.txt", b"long\n")
        add("old.Name-0.1/link", b"", type=tarfile.SYMTYPE, linkname="setup.cfg")


def test_renames_every_part_of_a_wheel(tmp_path):
    make_wheel(tmp_path / "old_name-0.1-1-py3-none-any.whl")
    wheel = rewrite_wheel(str(tmp_path / "old_name-0.1-1-py3-none-any.whl"), "new-name", "2.0.0+local.1")
    assert wheel.endswith("/new_name-2.0.0+local.1-1-py3-none-any.whl")
    info = "new_name-2.0.0+local.1.dist-info/"
    with zipfile.ZipFile(wheel) as whl:
        names = whl.namelist()
        rows = list(csv.reader(io.StringIO(whl.read(info + "RECORD").decode())))
        bad = [
            path
            for path, digest, _ in rows
            if digest
            and digest
            != "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(whl.read(path)).digest()).rstrip(b"=").decode()
        ]
        metadata = whl.read(info + "METADATA").decode()
    assert names == [
        "old_name/__init__.py",
        "new_name-2.0.0+local.1.data/scripts/tool",
        info + "METADATA",
        info + "WHEEL",
        info + "entry_points.txt",
        info + "RECORD",
    ]
    assert [row[0] for row in rows] == names
    assert bad == []
    # Headers change; a continuation line, the body and the Metadata-Version do not.
    assert metadata == META.replace("Name: old.Name", "Name: new-name").replace(
        "Version: 0.1", "Version: 2.0.0+local.1"
    )


def test_renames_an_sdist_and_its_project_files(tmp_path):
    make_sdist(tmp_path / "old.Name-0.1.tar.gz")
    sdist = rewrite_sdist(str(tmp_path / "old.Name-0.1.tar.gz"), "new-name", "2.0.0+local.1", True, True)
    assert sdist.endswith("/new_name-2.0.0+local.1.tar.gz")
    top = "new_name-2.0.0+local.1/"
    with tarfile.open(sdist) as tar:
        members = {member.name: member for member in tar.getmembers()}

        def text(name):
            return tar.extractfile(members[name]).read().decode()

        assert sorted(members) == [
            top + path
            for path in [
                "PKG-INFO",
                "d" * 120 + "/file.txt",
                "link",
                "pyproject.toml",
                "setup.cfg",
                "src/old.Name.egg-info/PKG-INFO",
            ]
        ]
        assert text(top + "src/old.Name.egg-info/PKG-INFO").split("\n")[1:3] == [
            "Name: new-name",
            "Version: 2.0.0+local.1",
        ]
        assert (
            text(top + "setup.cfg")
            == "[metadata]\nname = new-name\nversion = 2.0.0+local.1\n\n[options]\nname = untouched\n"
        )
        assert text(top + "pyproject.toml") == (
            '[project]\nname = "new-name"\nversion = "2.0.0+local.1"\n\n[tool.other]\nname = "untouched"\n'
        )
        assert members[top + "link"].linkname == "setup.cfg"
