"""A renamed or re-versioned project file, per backend shape: what each backend found by the old name stays found."""

import email.parser
import tomllib

import pytest

from pkgrelay_steps.edit_toml import remove_key, set_key
from pkgrelay_steps.pin_project_config import PinError, pin_project

SYSTEM = '[build-system]\nrequires = ["{req}"]\nbuild-backend = "{backend}"\n\n'
HATCH = SYSTEM.format(req="hatchling", backend="hatchling.build")
FLIT = SYSTEM.format(req="flit_core>=3.4", backend="flit_core.buildapi")
POETRY = SYSTEM.format(req="poetry-core", backend="poetry.core.masonry.api")
PDM = SYSTEM.format(req="pdm-backend", backend="pdm.backend")
SETUPTOOLS = SYSTEM.format(req="setuptools>=61", backend="setuptools.build_meta")
PKG_INFO = (
    "Metadata-Version: 2.1\nName: tomli\nVersion: 2.0.1\nSummary: s\nAuthor: A\nRequires-Python: >=3.9\n"
    'Requires-Dist: packaging>=20\nRequires-Dist: rich; extra == "cli"\nProvides-Extra: cli\n\nLong text.\n'
)


def pinned(text, paths=(), renamed=True, reversioned=False, pkg_info="", entry_points=None):
    out = pin_project(
        text,
        set(paths),
        email.parser.Parser().parsestr(pkg_info),
        entry_points,
        "acme-tomli",
        "2.0.2",
        renamed,
        reversioned,
    )
    return None if out is None else tomllib.loads(out)


@pytest.mark.parametrize(
    ("shape", "text", "paths", "expected"),
    [
        (
            "flit_core, module found by the name",
            FLIT + '[project]\nname = "tomli"\ndynamic = ["version", "description"]\n',
            ["tomli/__init__.py"],
            {"tool": {"flit": {"module": {"name": "tomli"}}}},
        ),
        (
            "flit_core, module already named",
            FLIT + '[project]\nname = "tomli"\nversion = "1"\n\n[tool.flit.module]\nname = "tom"\n',
            ["tom/__init__.py"],
            {"tool": {"flit": {"module": {"name": "tom"}}}},
        ),
        (
            "flit_core, -stubs distribution",
            FLIT + '[project]\nname = "types-x-stubs"\nversion = "1"\n',
            [],
            {"tool": {"flit": {"module": {"name": "types_x-stubs"}}}},
        ),
        (
            "flit_core, the old [tool.flit.metadata]",
            FLIT + '[tool.flit.metadata]\nmodule = "tomli"\nauthor = "A"\n',
            [],
            {"tool": {"flit": {"metadata": {"module": "tomli", "author": "A", "dist-name": "acme-tomli"}}}},
        ),
        (
            "hatchling, package at the root",
            HATCH + '[project]\nname = "Tomli.Lib"\nversion = "1"\n',
            ["Tomli.Lib/x.py", "tomli_lib/__init__.py"],
            {"tool": {"hatch": {"build": {"targets": {"wheel": {"packages": ["tomli_lib"]}}}}}},
        ),
        (
            "hatchling, src layout",
            HATCH + '[project]\nname = "tomli"\nversion = "1"\n',
            ["src/tomli/__init__.py"],
            {"tool": {"hatch": {"build": {"targets": {"wheel": {"packages": ["src/tomli"]}}}}}},
        ),
        (
            "hatchling, one module",
            HATCH + '[project]\nname = "tomli"\nversion = "1"\n',
            ["tomli.py"],
            {"tool": {"hatch": {"build": {"targets": {"wheel": {"only-include": ["tomli.py"]}}}}}},
        ),
        (
            "hatchling, namespace package",
            HATCH + '[project]\nname = "tomli"\nversion = "1"\n',
            ["acme/tomli/__init__.py"],
            {"tool": {"hatch": {"build": {"targets": {"wheel": {"packages": ["acme"]}}}}}},
        ),
        (
            "hatchling, selection already given",
            HATCH + '[project]\nname = "tomli"\nversion = "1"\n\n[tool.hatch.build]\npackages = ["lib/t"]\n',
            ["tomli/__init__.py"],
            {"tool": {"hatch": {"build": {"packages": ["lib/t"]}}}},
        ),
        (
            "poetry-core 1, package found by the name",
            POETRY + '[tool.poetry]\nname = "Tomli"\nversion = "2.0.1"\n',
            ["tomli/__init__.py"],
            {"tool": {"poetry": {"name": "acme-tomli", "version": "2.0.1", "packages": [{"include": "tomli"}]}}},
        ),
        (
            "poetry-core 2, src module",
            POETRY + '[project]\nname = "tomli"\nversion = "2.0.1"\n',
            ["src/tomli.py"],
            {
                "project": {"name": "acme-tomli"},
                "tool": {"poetry": {"packages": [{"include": "tomli.py", "from": "src"}]}},
            },
        ),
        (
            "pdm-backend: discovery does not depend on the name",
            PDM + '[project]\nname = "tomli"\nversion = "2.0.1"\n',
            ["src/tomli/__init__.py"],
            {"project": {"name": "acme-tomli", "version": "2.0.1"}},
        ),
    ],
)
def test_rename_pins_discovery(shape, text, paths, expected):
    doc = pinned(text, paths)
    for key, value in expected.items():
        assert _subset(value, doc[key]), shape + ": " + repr(doc)


def _subset(want, have):
    if isinstance(want, dict):
        return isinstance(have, dict) and all(key in have and _subset(value, have[key]) for key, value in want.items())
    return want == have


@pytest.mark.parametrize(
    ("shape", "text", "project", "removed"),
    [
        (
            "setuptools attr version",
            SETUPTOOLS
            + '[project]\nname = "tomli"\ndynamic = [\n  "version",  # from the module\n  "readme",\n]\n\n'
            + '[tool.setuptools.dynamic]\nversion = {attr = "tomli.__version__"}\nreadme = {file = "README.md"}\n',
            {"version": "2.0.2", "dynamic": ["readme"]},
            ("tool", "setuptools", "dynamic", "version"),
        ),
        (
            "hatchling version path",
            HATCH + '[project]\nname = "tomli"\ndynamic = ["version"]\n\n[tool.hatch.version]\npath = "tomli.py"\n',
            {"version": "2.0.2", "dynamic": []},
            None,
        ),
        (
            "flit __version__",
            FLIT + '[project]\nname = "tomli"\ndynamic = ["version", "description"]\n',
            {"version": "2.0.2", "dynamic": ["description"]},
            None,
        ),
        (
            "static version",
            PDM + '[project]\nname = "tomli"\nversion = "2.0.1"\n',
            {"version": "2.0.2"},
            None,
        ),
    ],
)
def test_reversion_makes_the_version_static(shape, text, project, removed):
    doc = pinned(text, renamed=False, reversioned=True)
    assert _subset(project, doc["project"]), shape
    assert doc["project"]["name"] == "tomli"
    if removed:
        table = doc
        for part in removed[:-1]:
            table = table[part]
        assert removed[-1] not in table


def test_poetry_keeps_a_version_it_reads_from_tool_poetry():
    doc = pinned(
        POETRY + '[project]\nname = "tomli"\ndynamic = ["version"]\n\n[tool.poetry]\nversion = "2.0.1"\n',
        renamed=False,
        reversioned=True,
    )
    assert doc["project"]["dynamic"] == ["version"]
    assert doc["tool"]["poetry"]["version"] == "2.0.2"


@pytest.mark.parametrize(
    "text", [None, "[build-system]\nrequires = ['setuptools']\n\n[tool.black]\nline-length = 90\n"]
)
def test_setup_py_gets_a_project_table_with_the_rest_dynamic(text):
    doc = pinned(
        text,
        pkg_info=PKG_INFO,
        entry_points="[console_scripts]\ntomli = tomli:main\n\n[tomli.plugins]\nx = y\n",
        reversioned=True,
    )
    assert doc["project"] == {
        "name": "acme-tomli",
        "version": "2.0.2",
        "dynamic": [
            "description",
            "requires-python",
            "authors",
            "optional-dependencies",
            "readme",
            "dependencies",
            "entry-points",
            "scripts",
        ],
    }
    if text:
        assert doc["tool"]["black"] == {"line-length": 90}


def test_setup_py_with_nothing_else_set():
    doc = pinned(None, pkg_info="Metadata-Version: 2.1\nName: tomli\nVersion: 2.0.1\n\n")
    assert doc["project"] == {"name": "acme-tomli", "version": "2.0.2", "dynamic": []}


def test_nothing_to_pin_is_none():
    assert pinned(HATCH + '[project]\nname = "tomli"\nversion = "2.0.1"\n', renamed=False) is None


def test_an_edit_that_does_not_land_is_refused():
    # [project] as dotted keys under the root: the line-based edit cannot see it, and says so.
    with pytest.raises(PinError, match="does not parse"):
        pinned('project.name = "tomli"\nproject.version = "1"\n\n' + HATCH)


def test_line_edits_keep_comments_and_other_tables():
    text = '# top\n[project] # the metadata\nname = "a"  # old\nkeywords = [\n  "x",\n  "y]",\n]\n'
    text += '\n[tool.x]\nname = "b"\n'
    edited = remove_key(set_key(text, "project", "name", "c"), "project", "keywords")
    assert edited == '# top\n[project] # the metadata\nname = "c"\n\n[tool.x]\nname = "b"\n'
    assert set_key(edited, "tool.y.z", "k", [{"a": "b"}]).endswith('name = "b"\n\n[tool.y.z]\nk = [{ a = "b" }]\n')
