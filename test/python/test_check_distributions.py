"""The check judges what an index needs: invalid metadata fails, a poor long description only warns."""

import sys
import zipfile

import pytest

from pkgrelay_steps.check_distributions import (
    description_warnings,
    filename_problems,
    metadata_problems,
    syntax_warnings,
)

BASE = "Metadata-Version: 2.4\nName: acme-sdk\nVersion: 1.0.0\n"


def codes(text):
    return [warning["code"] for warning in description_warnings(text.encode(), "acme_sdk-1.0.0.tar.gz")]


def test_valid_metadata_has_no_problems():
    assert metadata_problems((BASE + "Requires-Dist: requests>=2\nLicense-Expression: MIT\n").encode()) == []


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ("Requires-Dist: requests>=>2\n", "requires-dist"),
        ("Requires-Python: >=3.x\n", "requires-python"),
        ("License-Expression: MIT OR\n", "license-expression"),
    ],
)
def test_invalid_fields_are_named(extra, field):
    problems = metadata_problems((BASE + extra).encode())
    assert problems and problems[0].startswith(field + ":")


def test_a_bad_version_is_named():
    problems = metadata_problems(BASE.replace("1.0.0", "one").encode())
    assert any(problem.startswith("version:") for problem in problems)


def test_no_long_description_only_warns():
    assert codes(BASE) == ["LONG_DESCRIPTION_MISSING"]
    assert codes(BASE + "\n   \n") == ["LONG_DESCRIPTION_MISSING"]


def test_no_content_type_warns_and_rst_is_tried():
    assert codes(BASE + "\nA plain paragraph.\n") == ["LONG_DESCRIPTION_CONTENT_TYPE_MISSING"]


def test_rst_that_does_not_render_warns():
    broken = BASE + "Description-Content-Type: text/x-rst\n\nTitle\n=====\n\n.. unknown-directive::\n\n`unclosed\n"
    assert codes(broken) == ["LONG_DESCRIPTION_INVALID"]


def test_markdown_is_fine():
    assert codes(BASE + "Description-Content-Type: text/markdown\n\n# Acme\n\nSDK.\n") == []


def test_filenames_are_checked():
    assert filename_problems("acme_sdk-1.0.0-py3-none-any.whl") == []
    assert filename_problems("acme_sdk-1.0.0.tar.gz") == []
    assert filename_problems("acme sdk-1.0.0-py3-none-any.whl")


def wheel(tmp_path, modules, requires_python=None):
    """A wheel of the given modules; its METADATA is returned too, as the check reads it."""
    metadata = BASE + (f"Requires-Python: {requires_python}\n" if requires_python else "")
    path = tmp_path / "acme_sdk-1.0.0-py2.py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as whl:
        for name, source in modules.items():
            whl.writestr(name, source)
        whl.writestr("acme_sdk-1.0.0.dist-info/METADATA", metadata)
    return str(path), metadata.encode()


PY2 = 'import os\n\nif not os.environ.get("PATH"):\n    print "no PATH"\n'


def test_python2_modules_warn_naming_the_first(tmp_path):
    found = syntax_warnings(*wheel(tmp_path, {"acme/__init__.py": PY2, "acme/ok.py": "x = 1\n"}))
    assert [warning["code"] for warning in found] == ["SOURCE_SYNTAX_INVALID"]
    assert "1 of 2 modules" in found[0]["message"]
    assert "acme/__init__.py line 4" in found[0]["message"]
    assert found[0]["file"] == "acme_sdk-1.0.0-py2.py3-none-any.whl"


def test_valid_modules_and_sdists_do_not_warn(tmp_path):
    assert syntax_warnings(*wheel(tmp_path, {"acme/__init__.py": "print('fine')\n"})) == []
    assert syntax_warnings("acme_sdk-1.0.0.tar.gz", BASE.encode()) == []


def test_a_python_the_project_excludes_is_not_held_to_its_syntax(tmp_path):
    below = "<{}.{}".format(*sys.version_info[:2])
    assert syntax_warnings(*wheel(tmp_path, {"acme/__init__.py": PY2}, requires_python=below)) == []
