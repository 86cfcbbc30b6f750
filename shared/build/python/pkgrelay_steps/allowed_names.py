"""The distribution names a repository's builds may publish, as the publishing build's request names them."""

import re

from pkgrelay_steps.prelude import env, fail


def normalize(name):
    # PEP 503, as packaging.utils.canonicalize_name has it.
    return re.sub(r"[-_.]+", "-", name).lower()


def refuse_foreign(names):
    """Fails with NAME_NOT_ALLOWED unless every name is one PKGRELAY_ALLOWED_NAMES lists."""
    allowed = {normalize(name) for name in env.get("PKGRELAY_ALLOWED_NAMES", "").split(",") if name.strip()}
    foreign = sorted({name for name in names if normalize(name) not in allowed})
    if foreign:
        fail(
            "NAME_NOT_ALLOWED",
            "this repository may publish only "
            + (", ".join(sorted(allowed)) or "no names yet")
            + ", not "
            + ", ".join(foreign)
            + ": a name belongs to the repository that published it first or configures it as distributionName",
        )
