"""What a wheel's file name says it runs on: its tags, and whether it is for one kind of Linux only."""


def wheel_tags(filename):
    """The tags a wheel's file name declares, as `interpreter-abi-platform` strings, sorted."""
    from packaging.utils import parse_wheel_filename

    return sorted(str(tag) for tag in parse_wheel_filename(filename)[3])


def is_linux_only(filename):
    """A wheel tagged `linux_*` (a C extension, a Rust binary) runs only on systems like the one that built it."""
    if not filename.endswith(".whl"):
        return False
    return any(tag.split("-")[2].startswith("linux_") for tag in wheel_tags(filename))
