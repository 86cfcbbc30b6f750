"""Rewrites a built wheel and sdist under another name and/or version, backend-independently.

Metadata headers, the `.dist-info`/`.data` folders, a fresh `RECORD`, the sdist's top folder, its PKG-INFO
files, its project files (pin_project_config: so that it builds again into the renamed wheel), and both
filenames (PEP 427/625 names). The
Metadata-Version stays as the backend wrote it, so the tools that read the original read the copy.
"""

import io
import os
import re
import tarfile
import zipfile

from pkgrelay_steps.prelude import fail


def file_name(name):
    return re.sub(r"[-_.]+", "_", name).lower()


def set_headers(data, name, version):
    # Only the header block changes; the description body below the blank line stays byte for byte.
    text = data.decode("utf-8")
    head, sep, body = text.partition("\n\n")
    lines = []
    for line in head.split("\n"):
        key = line.split(":", 1)[0].strip().lower() if not line[:1].isspace() else ""
        lines.append("Name: " + name if key == "name" else "Version: " + version if key == "version" else line)
    return ("\n".join(lines) + sep + body).encode("utf-8")


def set_fields(data, section, fields):
    # setup.cfg, line-based so comments and layout survive; only keys directly inside the given section change.
    current, out = None, []
    for line in data.decode("utf-8").split("\n"):
        stripped = line.strip()
        header = re.match(r"^\[\s*([^\[\]]+?)\s*\]\s*(#.*)?$", stripped)
        if header:
            current = header.group(1)
        elif stripped.startswith("[["):
            current = None
        elif current == section:
            for key, value in fields.items():
                if re.match(r"^" + key + r"\s*=", stripped):
                    line = key + " = " + value
        out.append(line)
    return "\n".join(out).encode("utf-8")


def sha256_field(data):
    import base64
    import hashlib  # here, not above: a verify step that rewrites nothing does not pay for the imports

    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def rewrite_wheel(path, name, version):
    import csv

    parts = os.path.basename(path)[: -len(".whl")].split("-")
    prefix = file_name(name) + "-" + version
    new_path = os.path.join(os.path.dirname(path), "-".join([prefix] + parts[2:]) + ".whl")
    new_info, new_data = prefix + ".dist-info", prefix + ".data"
    entries = []
    with zipfile.ZipFile(path) as src:
        infos = [info for info in src.infolist() if not info.is_dir()]
        old_info = next(i.filename.split("/")[0] for i in infos if re.match(r"^[^/]+\.dist-info/METADATA$", i.filename))
        old_data = old_info[: -len(".dist-info")] + ".data"
        for info in infos:
            top, _, rest = info.filename.partition("/")
            if top == old_info and rest in ("RECORD", "RECORD.jws", "RECORD.p7s"):
                continue  # rebuilt below; a signature over the old RECORD would be a lie
            target = (
                new_info + "/" + rest
                if top == old_info
                else new_data + "/" + rest
                if top == old_data
                else info.filename
            )
            data = src.read(info)
            if target == new_info + "/METADATA":
                data = set_headers(data, name, version)
            entries.append((info, target, data))
    # The .dist-info goes last and RECORD last of all, as the wheel format recommends.
    entries.sort(key=lambda entry: entry[1].startswith(new_info + "/"))
    rows = []
    tmp = new_path + ".tmp"
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for info, target, data in entries:
            copy = zipfile.ZipInfo(target, date_time=info.date_time)
            copy.external_attr, copy.compress_type = info.external_attr, zipfile.ZIP_DEFLATED
            dst.writestr(copy, data)
            rows.append([target, sha256_field(data), str(len(data))])
        rows.append([new_info + "/RECORD", "", ""])
        record = io.StringIO()
        csv.writer(record, lineterminator="\n").writerows(rows)
        copy = zipfile.ZipInfo(new_info + "/RECORD", date_time=entries[-1][0].date_time)
        copy.external_attr, copy.compress_type = 0o644 << 16, zipfile.ZIP_DEFLATED
        dst.writestr(copy, record.getvalue().encode("utf-8"))
    os.remove(path)
    os.replace(tmp, new_path)
    return new_path


def read_project(src, members, old_top):
    """What pin_project reads from the original sdist: pyproject.toml, file paths, PKG-INFO and entry points."""
    import email.parser

    def text(rest):
        member = next((m for m in members if m.name == old_top + "/" + rest and m.isfile()), None)
        return src.extractfile(member).read().decode("utf-8") if member else None

    paths = {m.name[len(old_top) + 1 :] for m in members if m.isfile() and m.name.startswith(old_top + "/")}
    egg_entry_points = sorted(p for p in paths if re.fullmatch(r"(src/)?[^/]+\.egg-info/entry_points\.txt", p))
    return {
        "text": text("pyproject.toml"),
        "paths": paths,
        "pkg_info": email.parser.Parser().parsestr(text("PKG-INFO") or ""),
        "entry_points": text(egg_entry_points[0]) if egg_entry_points else None,
    }


def rewrite_sdist(path, name, version, renamed, reversioned):
    import gzip

    from pkgrelay_steps.pin_project_config import PinError, pin_project

    top = file_name(name) + "-" + version
    new_path = os.path.join(os.path.dirname(path), top + ".tar.gz")
    cfg_fields = {**({"name": name} if renamed else {}), **({"version": version} if reversioned else {})}
    tmp = new_path + ".tmp"
    with tarfile.open(path, "r:gz") as src, open(tmp, "wb") as raw:
        members = src.getmembers()
        old_top = next(m.name.split("/")[0] for m in members if m.name.count("/") == 1 and m.name.endswith("/PKG-INFO"))
        project = read_project(src, members, old_top)
        try:
            pyproject = pin_project(name=name, version=version, renamed=renamed, reversioned=reversioned, **project)
        except PinError as error:
            fail("METADATA_INVALID", "cannot rename or re-version " + os.path.basename(path) + ": " + str(error))
        # mtime 0 keeps the gzip header reproducible; the tar format is pax, which every reader knows.
        with (
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as zipped,
            tarfile.open(fileobj=zipped, mode="w", format=tarfile.PAX_FORMAT) as dst,
        ):
            for member in members:
                first, sep, rest = member.name.partition("/")
                if first != old_top:
                    fail("METADATA_INVALID", "the sdist holds " + member.name + " outside its top folder " + old_top)
                # A fresh header, so no stale pax path from the original can override the new name.
                copy = tarfile.TarInfo(top + sep + rest)
                copy.type, copy.mode, copy.mtime = member.type, member.mode, member.mtime
                copy.uid, copy.gid, copy.uname, copy.gname = member.uid, member.gid, member.uname, member.gname
                if member.islnk():
                    copy.linkname = (
                        top + member.linkname[len(old_top) :]
                        if member.linkname.startswith(old_top + "/")
                        else member.linkname
                    )
                elif member.issym():
                    copy.linkname = member.linkname
                if not member.isfile():
                    dst.addfile(copy)
                    continue
                data = src.extractfile(member).read()
                if rest == "PKG-INFO" or rest.endswith(".egg-info/PKG-INFO"):
                    data = set_headers(data, name, version)
                elif rest == "pyproject.toml" and pyproject is not None:
                    data = pyproject.encode("utf-8")
                elif rest == "setup.cfg" and cfg_fields:
                    data = set_fields(data, "metadata", cfg_fields)
                copy.size = len(data)
                dst.addfile(copy, io.BytesIO(data))
            if project["text"] is None and pyproject is not None:
                # A setup.py project gets the pyproject.toml that carries its new name and version.
                data = pyproject.encode("utf-8")
                pkg_info = next(m for m in members if m.name == old_top + "/PKG-INFO")
                copy = tarfile.TarInfo(top + "/pyproject.toml")
                copy.size, copy.mode, copy.mtime = len(data), 0o644, pkg_info.mtime
                dst.addfile(copy, io.BytesIO(data))
    os.remove(path)
    os.replace(tmp, new_path)
    return new_path
