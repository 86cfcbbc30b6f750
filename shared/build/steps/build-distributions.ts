import { PRELUDE } from './prelude.js';

/** Step `build`: sdist and wheel with PEP 517 `build`; isolated in Cloud Build, with the machine's backends offline. */
export const BUILD_DISTRIBUTIONS =
  PRELUDE +
  String.raw`
import tomllib
out = os.path.abspath("dist")
project = os.path.normpath(os.path.join("src", env.get("PKGRELAY_SUBDIR", "")))
where = env.get("PKGRELAY_SUBDIR") or "the repository root"
if not os.path.isfile(os.path.join(project, "pyproject.toml")) and not os.path.isfile(os.path.join(project, "setup.py")):
    fail("NOT_A_PYTHON_PROJECT", "no pyproject.toml or setup.py in " + where + " at tag " + env["PKGRELAY_TAG"]
         + ": set \"subdirectory\" in the repository's configuration if the project lives in a folder")
isolated = env.get("PKGRELAY_ISOLATION", "true") == "true"
requires = ["setuptools>=40.8.0"]
pyproject = os.path.join(project, "pyproject.toml")
if os.path.isfile(pyproject):
    with open(pyproject, "rb") as fh:
        requires = tomllib.load(fh).get("build-system", {}).get("requires", requires)
if isolated:
    # Into the workspace, not the image: the verify, check and upload steps run in containers of their own.
    run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--target", TOOLS,
         "build", "twine", "packaging"], check=True)
    use_tools()
    args = ["--outdir", out, project]
else:
    # Offline there is no isolated environment: the backend must already be here, in a version the project accepts.
    from importlib.metadata import version, PackageNotFoundError
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
    if missing:
        fail("BACKEND_TOO_OLD", "the project needs " + ", ".join(missing) + ", which this builder cannot provide offline: "
             + "build it with isolation on (PKGRELAY_BUILD_ISOLATION=true, as in Cloud Build) or install the newer backend on the builder")
    args = ["--no-isolation", "--skip-dependency-check", "--outdir", out, project]
build_env = {}
if env.get("PKGRELAY_VERSION_POLICY") == "from-tag":
    # Backends that compute the version from git take the tag's, so generated version files agree with the metadata.
    build_env["SETUPTOOLS_SCM_PRETEND_VERSION"] = env["PKGRELAY_VERSION"]
result = run_module("build", args, build_env)
print(result.stdout, end="")
if result.returncode != 0:
    tail = "\n".join(result.stdout.strip().splitlines()[-15:])
    emit({"error": {"code": "BUILD_FAILED", "message": "python -m build failed for " + where + "; its last lines follow", "logTail": tail[-3000:]}})
    sys.exit(1)
built = sorted(os.listdir(out))
if not any(name.endswith(".whl") for name in built) or not any(name.endswith(".tar.gz") for name in built):
    fail("BUILD_FAILED", "the build made " + (", ".join(built) or "nothing") + " instead of one sdist and one wheel")
emit({"files": built})
`;
