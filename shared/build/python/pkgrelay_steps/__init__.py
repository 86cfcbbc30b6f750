"""The programs of pkgrelay's build steps, one module per step, with what they share."""

import os

# Each step's program embeds the package's data files here; imported from a checkout, they are read from disk.
EMBEDDED = {}


def read_data(name):
    """A data file of this package (the pinned tool requirements)."""
    if name in EMBEDDED:
        return EMBEDDED[name]
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), name), encoding="utf-8") as fh:
        return fh.read()
