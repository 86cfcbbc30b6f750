"""The check judges what an index needs: invalid metadata fails, a poor long description only warns."""

import pytest

from pkgrelay_steps.check_distributions import description_warnings, filename_problems, metadata_problems

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
