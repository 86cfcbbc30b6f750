"""A failed build's output read for its cause: a backend older than the project, and a short tail."""

from pkgrelay_steps.explain_build_failure import backend_too_old, log_tail


def test_setuptools_without_pep_639():
    output = (
        "ValueError: invalid pyproject.toml config: `project.license`.\n"
        "configuration error: `project.license` must be valid exactly by one definition (2 matches found):\n"
    )
    assert "setuptools >= 77" in backend_too_old(output, isolated=False)


def test_poetry_core_1_with_pep_621():
    output = "RuntimeError: The Poetry configuration is invalid:\n  - data must contain ['name'] properties\n"
    assert "poetry-core >= 2" in backend_too_old(output, isolated=False)


def test_missing_backend_offline_but_not_isolated():
    output = "ERROR Backend 'pdm.backend' is not available.\n"
    assert (
        backend_too_old(output, isolated=False)
        == "its build backend pdm.backend, which is not installed on this builder"
    )
    assert backend_too_old(output, isolated=True) is None


def test_a_project_error_is_not_a_backend_error():
    assert backend_too_old("error: command 'gcc' failed: No such file or directory\n", isolated=True) is None


def test_log_tail_drops_frames_and_paths():
    output = "\n".join(
        ["* Creating isolated environment: venv+pip...", "Traceback (most recent call last):"]
        + ['  File "/tmp/build-env-abc123/lib/python3.12/site-packages/setuptools/x.py", line 1, in f', "    f()"] * 30
        + ["\x1b[31merror\x1b[0m: /workspace/src/acme/_speedups.c:3:10: fatal error: missing.h: No such file"]
    )
    tail = log_tail(output)
    assert 'File "' not in tail
    assert tail.endswith("error: src/acme/_speedups.c:3:10: fatal error: missing.h: No such file")
    assert "\x1b" not in tail


def test_an_undeclared_import_is_the_projects_error_when_isolated():
    output = "  File \"setup.py\", line 2, in <module>\nModuleNotFoundError: No module named 'numpy'\n"
    assert backend_too_old(output, isolated=True) is None
    assert "numpy" in backend_too_old(output, isolated=False)
