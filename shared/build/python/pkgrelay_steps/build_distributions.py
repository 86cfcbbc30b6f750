"""Step `build`: sdist and wheel with PEP 517 `build`, isolated as in Cloud Build, or on the builder's backends."""

import os
import sys

from pkgrelay_steps import read_data
from pkgrelay_steps.explain_build_failure import backend_too_old, log_tail
from pkgrelay_steps.install_rust import ensure_rust
from pkgrelay_steps.install_tools import install_tools
from pkgrelay_steps.prelude import emit, env, fail, run_module
from pkgrelay_steps.repair_wheels import repair_wheels

OFFLINE_ADVICE = (
    "build it with isolation on (PKGRELAY_BUILD_ISOLATION=true, as in Cloud Build) "
    "or install the newer backend on the builder"
)


def declared_requirements(project):
    import tomllib

    requires = ["setuptools>=40.8.0"]
    pyproject = os.path.join(project, "pyproject.toml")
    if os.path.isfile(pyproject):
        with open(pyproject, "rb") as fh:
            requires = tomllib.load(fh).get("build-system", {}).get("requires", requires)
    return requires


def declares_build_system(project):
    """Whether pyproject.toml names the build requirements; without them PEP 517 falls back to any setuptools."""
    import tomllib

    pyproject = os.path.join(project, "pyproject.toml")
    if not os.path.isfile(pyproject):
        return False
    with open(pyproject, "rb") as fh:
        return "requires" in tomllib.load(fh).get("build-system", {})


def legacy_constraints(text):
    """The environment that holds a legacy project's isolated build to the setuptools of its era."""
    import tempfile

    # In the step's own fresh /tmp: nothing a later step reads.
    fd, path = tempfile.mkstemp(prefix="pkgrelay-legacy-", suffix=".txt")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    return {"UV_CONSTRAINT": path, "PIP_CONSTRAINT": path}


def constraint_lines(text):
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def missing_offline(requires):
    """The declared build requirements the builder's own environment does not satisfy."""
    from importlib.metadata import PackageNotFoundError, version

    from packaging.requirements import Requirement

    missing = []
    for text in requires:
        req = Requirement(text)
        if req.marker is not None and not req.marker.evaluate():
            continue
        try:
            have = version(req.name)
        except PackageNotFoundError:
            missing.append(text + " (not installed)")
            continue
        if req.specifier and not req.specifier.contains(have, prereleases=True):
            missing.append(text + " (this builder has " + have + ")")
    return missing


def main():
    out = os.path.abspath("dist")
    project = os.path.normpath(os.path.join("src", env.get("PKGRELAY_SUBDIR", "")))
    where = env.get("PKGRELAY_SUBDIR") or "the repository root"
    if not any(os.path.isfile(os.path.join(project, name)) for name in ("pyproject.toml", "setup.py")):
        fail(
            "NOT_A_PYTHON_PROJECT",
            "no pyproject.toml or setup.py in "
            + where
            + " at tag "
            + env["PKGRELAY_TAG"]
            + ': set "subdirectory" in the repository\'s configuration if the project lives in a folder',
        )
    isolated = env.get("PKGRELAY_ISOLATION", "true") == "true"
    if isolated:
        # Into the workspace, not the image: the verify, check and upload steps run in containers of their own.
        install_tools()
        args = ["--installer", "uv", "--outdir", out, project]
    else:
        # Offline there is no isolated environment: the backend must already be here, in a version the project accepts.
        missing = missing_offline(declared_requirements(project))
        if missing:
            fail(
                "BACKEND_TOO_OLD",
                "the project needs "
                + ", ".join(missing)
                + ", which this builder cannot provide offline: "
                + OFFLINE_ADVICE,
            )
        args = ["--no-isolation", "--skip-dependency-check", "--outdir", out, project]
    build_env = {}
    if env.get("PKGRELAY_VERSION_POLICY") == "from-tag":
        # Backends that compute the version from git take the tag's, so generated version files agree with the metadata.
        build_env["SETUPTOOLS_SCM_PRETEND_VERSION"] = env["PKGRELAY_VERSION"]
    if isolated and not declares_build_system(project):
        constraints = read_data("legacy-constraints.txt")
        bounds = ", ".join(constraint_lines(constraints))
        print(f"no build-system table: built with {bounds} (legacy-constraints.txt)")
        build_env.update(legacy_constraints(constraints))
    build_env.update(ensure_rust(declared_requirements(project)))
    result = run_module("build", args, build_env)
    print(result.stdout, end="")
    if result.returncode != 0:
        needs = backend_too_old(result.stdout, isolated)
        if needs:
            advice = (
                "its build-system.requires admits an older backend than its own metadata needs: raise the minimum"
                if isolated
                else "this builder's backend is older: " + OFFLINE_ADVICE
            )
            fail("BACKEND_TOO_OLD", "the project needs " + needs + "; " + advice, logTail=log_tail(result.stdout))
        fail(
            "BUILD_FAILED",
            "python -m build failed for " + where + "; its last lines follow",
            logTail=log_tail(result.stdout),
        )
    built = sorted(os.listdir(out))
    if not any(name.endswith(".whl") for name in built) or not any(name.endswith(".tar.gz") for name in built):
        fail(
            "BUILD_FAILED", "the build made " + (", ".join(built) or "nothing") + " instead of one sdist and one wheel"
        )
    built = repair_wheels(out, isolated)
    emit({"files": built})


if __name__ == "__main__":
    sys.exit(main())
