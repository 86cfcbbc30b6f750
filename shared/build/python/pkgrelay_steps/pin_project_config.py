"""The project file of a renamed or re-versioned sdist, made to build again into the same wheel.

Backends derive more than the metadata from the name, and some read the version from code: each rule
below pins what the original build found by the old name, or sets the version statically, in
pyproject.toml alone (the one file every backend reads as data).
"""

import re
import tomllib

from pkgrelay_steps.edit_toml import remove_key, set_key

# Fields setuptools takes from setup.py or setup.cfg only when pyproject.toml lists them as dynamic; each is listed
# only when the original build set it, as setuptools refuses a dynamic field that nothing provides.
SETUPTOOLS_FIELDS = {
    "description": ("Summary",),
    "requires-python": ("Requires-Python",),
    "license": ("License", "License-Expression"),
    "authors": ("Author", "Author-email"),
    "maintainers": ("Maintainer", "Maintainer-email"),
    "keywords": ("Keywords",),
    "classifiers": ("Classifier",),
    "urls": ("Project-URL",),
    "optional-dependencies": ("Provides-Extra",),
}
ENTRY_POINT_FIELDS = {"console_scripts": "scripts", "gui_scripts": "gui-scripts"}


class PinError(Exception):
    """The project file could not be made to rebuild under the new name or version."""


def backend_of(doc):
    backend = doc.get("build-system", {}).get("build-backend") or "setuptools.build_meta:__legacy__"
    return backend.split(".")[0].split(":")[0]


def setuptools_dynamic(pkg_info, entry_points):
    """The fields the original setuptools build set outside pyproject.toml, read back from what it wrote."""
    dynamic = [field for field, headers in SETUPTOOLS_FIELDS.items() if any(pkg_info.get_all(h) for h in headers)]
    if (pkg_info.get_payload() or "").strip() or pkg_info.get("Description"):
        dynamic.append("readme")
    if any("extra ==" not in req.replace("'", '"') for req in pkg_info.get_all("Requires-Dist") or []):
        dynamic.append("dependencies")
    groups = re.findall(r"^\s*\[([^\]]+)\]", entry_points or "", re.M)
    dynamic += sorted({ENTRY_POINT_FIELDS.get(group.strip(), "entry-points") for group in groups})
    return dynamic


def hatch_selection(doc, paths):
    """hatchling's default wheel selection for the old name (its heuristic, in its order), as explicit options."""
    hatch = doc.get("tool", {}).get("hatch", {}).get("build", {})
    wheel = hatch.get("targets", {}).get("wheel", {})
    if any(key in wheel or key in hatch for key in ("include", "packages", "only-include")):
        return {}
    raw = doc["project"]["name"]
    for name in (raw, re.sub(r"[-_.]+", "-", raw).lower()):
        name = re.sub(r"[^\w\d.]+", "_", name)
        if name + "/__init__.py" in paths:
            return {"packages": [name]}
        if "src/" + name + "/__init__.py" in paths:
            return {"packages": ["src/" + name]}
        if name + ".py" in paths:
            return {"only-include": [name + ".py"]}
        namespaces = {
            path.split("/")[0] for path in paths if re.fullmatch(r"[^/]+/" + re.escape(name) + "/__init__.py", path)
        }
        if len(namespaces) == 1:
            return {"packages": sorted(namespaces)}
    return {}


def poetry_packages(old_name, paths):
    """poetry-core's default package for the old name: a folder or module, at the root or under src/."""
    module = re.sub(r"[-_.]+", "-", old_name).lower().replace("-", "_")
    for where in ("", "src/"):
        source = {"from": "src"} if where else {}
        if any(path.startswith(where + module + "/") for path in paths):
            return [{"include": module, **source}]
        if where + module + ".py" in paths:
            return [{"include": module + ".py", **source}]
    return None


def pin_project(text, paths, pkg_info, entry_points, name, version, renamed, reversioned):
    """The new pyproject.toml text (None: nothing to change); `paths` are the sdist's files below its top folder."""
    doc = tomllib.loads(text or "")
    backend, project = backend_of(doc), doc.get("project")
    tool = doc.get("tool", {})
    poetry, flit = tool.get("poetry", {} if backend == "poetry" else None), tool.get("flit", {})
    edits = []  # (table, key, value or None to remove), applied in reverse so added keys keep this order
    if project is None and backend == "setuptools":
        # setuptools applies pyproject.toml's [project] after setup()'s keywords and setup.cfg, and a static field there
        # wins over both: the one override it documents. Every field the build set elsewhere stays dynamic (and so
        # comes from setup.py or setup.cfg as before); the version is static, so no setup.py code is read for it.
        edits += [
            ("project", "name", name),
            ("project", "version", version),
            ("project", "dynamic", setuptools_dynamic(pkg_info, entry_points)),
        ]
    elif project is not None:
        if renamed and "name" in project:
            edits.append(("project", "name", name))
        dynamic = project.get("dynamic", [])
        poetry_version = poetry is not None and "version" in poetry and "version" in dynamic
        if reversioned and ("version" in project or ("version" in dynamic and not poetry_version)):
            # A static version replaces whatever computed it (an attribute, a file, the VCS): the tag names it.
            edits.append(("project", "version", version))
            if "version" in dynamic:
                edits.append(("project", "dynamic", [field for field in dynamic if field != "version"]))
            if "version" in tool.get("setuptools", {}).get("dynamic", {}):
                edits.append(("tool.setuptools.dynamic", "version", None))
    if poetry is not None:
        if renamed and "name" in poetry and not (project or {}).get("name"):
            edits.append(("tool.poetry", "name", name))
        if reversioned and "version" in poetry:
            edits.append(("tool.poetry", "version", version))
        if renamed and "packages" not in poetry:
            # poetry finds the package named after the project: pin it, or the new name finds nothing.
            packages = poetry_packages((project or {}).get("name") or poetry.get("name", ""), paths)
            if packages:
                edits.append(("tool.poetry", "packages", packages))
    if backend == "flit_core" and renamed:
        if project is not None and "name" not in flit.get("module", {}):
            # flit imports the module named after the distribution unless told otherwise: name the old one.
            old = project["name"]
            module = (
                old[: -len("-stubs")].replace("-", "_") + "-stubs" if old.endswith("-stubs") else old.replace("-", "_")
            )
            edits.append(("tool.flit.module", "name", module))
        elif "metadata" in flit:
            edits.append(("tool.flit.metadata", "dist-name", name))
    if backend == "hatchling" and renamed and project is not None:
        for key, value in hatch_selection(doc, paths).items():
            edits.append(("tool.hatch.build.targets.wheel", key, value))
    if not edits:
        return None
    for table, key, value in reversed(edits):
        text = remove_key(text or "", table, key) if value is None else set_key(text or "", table, key, value)
    check(text, edits)
    return text


def check(text, edits):
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise PinError("the rewritten pyproject.toml does not parse (" + str(error) + ")") from error
    for table, key, value in edits:
        found = doc
        for part in table.split("."):
            found = found.get(part, {}) if isinstance(found, dict) else {}
        if found.get(key) != value:
            raise PinError("the rewritten pyproject.toml does not set " + table + "." + key + " = " + repr(value))
