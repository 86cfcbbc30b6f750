"""Which builds need a Rust toolchain, and where an installed one is found."""

import os

import pytest

from pkgrelay_steps.install_rust import ensure_rust, needs_rust, rust_env


@pytest.mark.parametrize(
    ("requires", "rust"),
    [
        (["maturin>=1,<2"], True),
        (["setuptools>=61", "setuptools-rust>=1.5"], True),
        (["setuptools", "Setuptools_Rust"], True),
        (["setuptools>=61"], False),
        (["hatchling", "hatch-vcs"], False),
        (["maturin-like-but-not"], False),
        ([], False),
    ],
)
def test_rust_backends_are_recognised(requires, rust):
    assert needs_rust(requires) is rust


def test_a_project_without_rust_installs_nothing():
    assert ensure_rust(["setuptools>=61"]) == {}


def test_the_installed_toolchain_comes_first_on_the_path(tmp_path):
    found = rust_env(str(tmp_path))
    assert found["PATH"].split(os.pathsep)[0] == str(tmp_path / "cargo" / "bin")
    assert found["RUSTUP_HOME"] == str(tmp_path / "rustup")
    assert found["CARGO_HOME"] == str(tmp_path / "cargo")
