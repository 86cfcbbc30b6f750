"""Step `check`: refuse what an index or pip would refuse; report what only makes the project page poorer.

Metadata is validated the way twine and pip read it (packaging's core-metadata parser): a field they
would refuse fails the job, naming the field. Long-description problems (none, no content type, RST that
does not render) are warnings: plenty of good internal packages have no README.
"""

import email.parser
import os
import sys
import tarfile
import zipfile

from pkgrelay_steps.prelude import emit, fail, strip_controls, use_tools


def raw_metadata(path):
    """The bytes of the core metadata file of a wheel (METADATA) or an sdist (PKG-INFO)."""
    if path.endswith(".whl"):
        with zipfile.ZipFile(path) as whl:
            name = next(n for n in whl.namelist() if n.count("/") == 1 and n.endswith(".dist-info/METADATA"))
            return whl.read(name)
    with tarfile.open(path) as tar:
        member = next(m for m in tar.getmembers() if m.name.count("/") == 1 and m.name.endswith("/PKG-INFO"))
        return tar.extractfile(member).read()


def metadata_problems(data):
    """What packaging's validating parser refuses in this metadata, each naming its field."""
    try:
        from packaging.metadata import ExceptionGroup, InvalidMetadata, Metadata
    except ImportError:
        return basic_problems(data)  # packaging < 23.2, on an offline builder
    try:
        Metadata.from_email(data, validate=True)
    except ExceptionGroup as group:
        return sorted({field_problem(error) for error in group.exceptions})
    except InvalidMetadata as error:
        return [field_problem(error)]
    except ValueError as error:
        return ["the metadata could not be parsed: " + str(error)]
    return []


def basic_problems(data):
    """The fields every index needs, for builders whose packaging cannot validate metadata."""
    import re

    from packaging.version import InvalidVersion, Version

    message = email.parser.BytesParser().parsebytes(data)
    found = []
    name = str(message.get("Name") or "")
    if not re.match(r"^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$", name, re.IGNORECASE):
        found.append("name: " + repr(name) + " is not a valid distribution name")
    try:
        Version(str(message.get("Version") or ""))
    except InvalidVersion:
        found.append("version: " + repr(str(message.get("Version") or "")) + " is not a PEP 440 version")
    return found


def field_problem(error):
    field = getattr(error, "field", None)
    text = strip_controls(str(error))
    return (field.replace("_", "-") + ": " + text) if field else text


def filename_problems(name):
    from packaging.utils import InvalidSdistFilename, InvalidWheelFilename, parse_sdist_filename, parse_wheel_filename

    try:
        if name.endswith(".whl"):
            parse_wheel_filename(name)
        else:
            parse_sdist_filename(name)
    except (InvalidWheelFilename, InvalidSdistFilename) as error:
        return ["filename: " + str(error)]
    return []


def description_warnings(data, filename):
    """Warnings about the long description; none of them fails a job."""
    message = email.parser.BytesParser().parsebytes(data)
    body = message.get_payload()
    text = body if isinstance(body, str) and body.strip() else str(message.get("Description") or "")
    content_type = str(message.get("Description-Content-Type") or "")
    if not text.strip():
        return [
            {
                "code": "LONG_DESCRIPTION_MISSING",
                "file": filename,
                "message": "no long description: the index shows an empty project page "
                + "(add a README and point the project's readme / long_description at it)",
            }
        ]
    found = []
    if not content_type:
        found.append(
            {
                "code": "LONG_DESCRIPTION_CONTENT_TYPE_MISSING",
                "file": filename,
                "message": "the long description has no content type, so it is read as reStructuredText "
                + "(set readme / long_description_content_type, e.g. text/markdown)",
            }
        )
    if content_type.split(";")[0].strip() in ("", "text/x-rst"):
        rendered = render_rst(text)
        if rendered is not None:
            found.append(
                {
                    "code": "LONG_DESCRIPTION_INVALID",
                    "file": filename,
                    "message": "the long description is not valid reStructuredText and will show as plain "
                    + "text: "
                    + rendered,
                }
            )
    return found


def render_rst(text):
    """None when the text renders as reStructuredText; else what the renderer said."""
    import io

    try:
        from readme_renderer.rst import render
    except ImportError:
        return None  # the offline builder may lack readme_renderer: a warning is not worth failing for
    stream = io.StringIO()
    if render(text, stream=stream) is None:
        lines = [line.strip() for line in strip_controls(stream.getvalue()).splitlines() if line.strip()]
        return " | ".join(lines[-2:])[:300] or "no content rendered"
    return None


def main():
    use_tools()
    warnings, problems = [], []
    for name in sorted(os.listdir("dist")):
        path = os.path.join("dist", name)
        try:
            data = raw_metadata(path)
        except (StopIteration, KeyError, zipfile.BadZipFile, tarfile.TarError) as error:
            fail("METADATA_INVALID", name + " has no readable metadata (" + type(error).__name__ + ")")
        found = filename_problems(name) + metadata_problems(data)
        problems += [name + ": " + problem for problem in found]
        print(name + ": " + ("; ".join(found) if found else "metadata valid"))
        for warning in description_warnings(data, name):
            print("WARNING " + name + ": " + warning["code"] + ": " + warning["message"])
            warnings.append(warning)
    if problems:
        fail(
            "METADATA_INVALID",
            "an index or pip would refuse the metadata: "
            + "; ".join(problems)[:1500]
            + " (fix these fields in the project, then tag a new version)",
        )
    # One warning per code: the sdist and the wheel carry the same description.
    unique = {}
    for warning in warnings:
        unique.setdefault(warning["code"], warning)
    emit({"warnings": list(unique.values())})


if __name__ == "__main__":
    sys.exit(main())
