"""Which wheels auditwheel must repair, and the tags the status records for each wheel."""

import pytest

from pkgrelay_steps.repair_wheels import repair_wheels
from pkgrelay_steps.wheel_tags import is_linux_only, wheel_tags


@pytest.mark.parametrize(
    ("filename", "tags"),
    [
        ("acme-1.0.0-py3-none-any.whl", ["py3-none-any"]),
        ("acme-1.0.0-py2.py3-none-any.whl", ["py2-none-any", "py3-none-any"]),
        ("acme-1.0.0-cp311-cp311-linux_x86_64.whl", ["cp311-cp311-linux_x86_64"]),
        (
            "acme-1.0.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
            ["cp311-cp311-manylinux2014_x86_64", "cp311-cp311-manylinux_2_17_x86_64"],
        ),
        ("rust_hello-1.0.0-py3-none-manylinux_2_34_x86_64.whl", ["py3-none-manylinux_2_34_x86_64"]),
    ],
)
def test_tags_are_read_from_the_file_name(filename, tags):
    assert wheel_tags(filename) == tags


@pytest.mark.parametrize(
    ("filename", "linux_only"),
    [
        ("acme-1.0.0-py3-none-any.whl", False),
        ("acme-1.0.0.tar.gz", False),
        ("acme-1.0.0-cp311-cp311-linux_x86_64.whl", True),
        ("acme-1.0.0-py3-none-linux_aarch64.whl", True),
        ("acme-1.0.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", False),
        ("acme-1.0.0-cp311-cp311-musllinux_1_2_x86_64.whl", False),
        ("acme-1.0.0-cp311-cp311-win_amd64.whl", False),
        ("acme-1.0.0-cp311-cp311-macosx_11_0_arm64.whl", False),
    ],
)
def test_only_wheels_for_one_kind_of_linux_need_repair(filename, linux_only):
    assert is_linux_only(filename) is linux_only


def test_a_pure_build_is_left_as_it_is(tmp_path):
    for name in ("acme-1.0.0.tar.gz", "acme-1.0.0-py3-none-any.whl"):
        (tmp_path / name).write_bytes(b"not read")
    assert repair_wheels(str(tmp_path), isolated=True) == ["acme-1.0.0-py3-none-any.whl", "acme-1.0.0.tar.gz"]
    assert (tmp_path / "acme-1.0.0-py3-none-any.whl").read_bytes() == b"not read"
