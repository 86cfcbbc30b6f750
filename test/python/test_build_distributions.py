"""A project with no build-system table is held to the setuptools of its era; one that declares its own is not."""

from pkgrelay_steps import read_data
from pkgrelay_steps.build_distributions import constraint_lines, declares_build_system


def test_only_a_declared_build_system_counts(tmp_path):
    assert not declares_build_system(str(tmp_path))
    (tmp_path / "pyproject.toml").write_text('[tool.black]\nline-length = 100\n[build-system]\nbuild-backend = "x"\n')
    assert not declares_build_system(str(tmp_path))
    (tmp_path / "pyproject.toml").write_text('[build-system]\nrequires = ["setuptools>=82"]\n')
    assert declares_build_system(str(tmp_path))


def test_the_legacy_bound_keeps_pkg_resources():
    assert constraint_lines(read_data("legacy-constraints.txt")) == ["setuptools<82"]
