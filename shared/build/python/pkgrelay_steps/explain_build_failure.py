"""What a failed `python -m build` means, read off its output: a backend too old, or the project's own error."""

import re

from pkgrelay_steps.prelude import strip_controls

# Messages old backends print for metadata that newer ones accept; each names what the project needs.
TOO_OLD = [
    (
        re.compile(r"project\.license[`'\"]? must be valid exactly by one definition"),
        "setuptools >= 77 (a PEP 639 license expression in project.license)",
    ),
    (
        re.compile(r"must not contain \{'license-files'\} properties|project\.license-files"),
        "a backend with PEP 639 license-files (setuptools >= 77, hatchling >= 1.27)",
    ),
    (
        re.compile(r"Field `project\.license-files` must be a table"),
        "hatchling >= 1.27 (license-files as a list, PEP 639)",
    ),
    (
        re.compile(r"Unknown metadata field|unknown field `dependency-groups`"),
        "a newer version of the build backend (the project uses metadata it does not know)",
    ),
    (
        re.compile(r"\[tool\.poetry\] section not found|The Poetry configuration is invalid"),
        "poetry-core >= 2 (the project declares its metadata in [project], PEP 621)",
    ),
    (
        re.compile(r"Backend '([\w.:]+)' is not available"),
        "its build backend {0}, which is not installed on this builder",
    ),
    (
        re.compile(r"ModuleNotFoundError: No module named '(\w+)'"),
        "the module {0}, which its build imports and which is not installed on this builder",
    ),
]

# Noise that pushes the cause out of a short tail.
_NOISE = re.compile(r"^\s*(File \"|\^+$|~+$|\+ |\* (Creating|Installing|Getting|Building))")
_PATHS = re.compile(r"(?:/tmp/build-env-\w+|/[\w./-]*/site-packages|/workspace/src|/[\w./-]*/workspace/src)")


def shorten_paths(line):
    """Workspace and build-environment paths as short names: the tail must show the cause, not paths."""
    return _PATHS.sub(
        lambda match: (
            "<build-env>"
            if "build-env" in match.group(0)
            else "<site-packages>"
            if "site-packages" in match.group(0)
            else "src"
        ),
        line,
    )


def log_tail(output, count=15, limit=3000):
    """The lines of a failed build that say why: errors kept, frames and progress lines dropped."""
    lines = [shorten_paths(line.rstrip()) for line in strip_controls(output).splitlines() if line.strip()]
    useful = [line for line in lines if not _NOISE.match(line)]
    return "\n".join(useful[-count:])[-limit:]


def backend_too_old(output, isolated):
    """The requirement a backend failed for, when the output shows a backend older than the project."""
    text = strip_controls(output)
    for pattern, needs in TOO_OLD:
        match = pattern.search(text)
        if match:
            if isolated and "not installed" in needs:
                return None  # isolated builds install what the project declares: this is the project's error
            return needs.format(*match.groups())
    return None
