"""The build steps' modules import as `pkgrelay_steps`, from the checkout."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "shared", "build", "python"))
