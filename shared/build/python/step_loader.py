"""Runs one build step from the modules its program carries, as Cloud Build runs `python3 -c PROGRAM`.

The build plan puts SOURCES (module name to source), DATA (data file name to text) and MAIN (the step's
module) in front of this file's text. The steps' code travels inside the build request, so nothing a
step finds in the workspace can stand in for it: this finder comes before every other.
"""

import importlib.abc
import importlib.util
import runpy
import sys

SOURCES = globals().get("SOURCES", {})
DATA = globals().get("DATA", {})
MAIN = globals().get("MAIN", "")


class EmbeddedSources(importlib.abc.MetaPathFinder, importlib.abc.InspectLoader):
    """Imports the modules a step's program carries (runpy asks a loader for code, not just to run it)."""

    def __init__(self, sources):
        self.sources = sources

    def find_spec(self, name, path=None, target=None):
        if name not in self.sources:
            return None
        spec = importlib.util.spec_from_loader(name, self, is_package=self.is_package(name))
        spec.origin = self.filename(name)
        spec.has_location = True
        return spec

    def is_package(self, fullname):
        return "." not in fullname

    def filename(self, fullname):
        return fullname.replace(".", "/") + ("/__init__.py" if self.is_package(fullname) else ".py")

    def get_source(self, fullname):
        return self.sources[fullname]

    def get_code(self, fullname):
        return compile(self.sources[fullname], self.filename(fullname), "exec")


if MAIN:
    sys.meta_path.insert(0, EmbeddedSources(SOURCES))
    import pkgrelay_steps

    pkgrelay_steps.EMBEDDED.update(DATA)
    runpy.run_module(MAIN, run_name="__main__", alter_sys=True)
