"""Prints, as JSON, what a wheel says about itself: METADATA headers, entry points, files and tags."""

import configparser
import email.parser
import json
import sys
import zipfile


def dist_info_dir(wheel):
    tops = {name.split("/")[0] for name in wheel.namelist()}
    found = sorted(top for top in tops if top.endswith(".dist-info"))
    if len(found) != 1:
        raise SystemExit(f"expected one .dist-info folder, found {found}")
    return found[0]


def headers_of(text):
    message = email.parser.Parser().parsestr(text)
    headers = {}
    for key, value in message.items():
        headers.setdefault(key, []).append(value)
    return headers, message.get_payload()


def entry_points_of(text):
    # Case and order as written: configparser would lowercase names otherwise.
    parser = configparser.ConfigParser(delimiters=("=",), interpolation=None)
    parser.optionxform = str
    parser.read_string(text)
    return {group: {name: value.strip() for name, value in parser[group].items()} for group in parser.sections()}


def describe(path):
    with zipfile.ZipFile(path) as wheel:
        info = dist_info_dir(wheel)
        names = wheel.namelist()
        headers, body = headers_of(wheel.read(f"{info}/METADATA").decode("utf-8"))
        entry_points = {}
        if f"{info}/entry_points.txt" in names:
            entry_points = entry_points_of(wheel.read(f"{info}/entry_points.txt").decode("utf-8"))
        wheel_headers, _ = headers_of(wheel.read(f"{info}/WHEEL").decode("utf-8"))
    # RECORD's rows and the WHEEL file change when a wheel is repaired; every other file is the project's.
    files = sorted(name for name in names if name not in (f"{info}/RECORD", f"{info}/WHEEL") and not name.endswith("/"))
    return {
        "metadata": headers,
        "description": body,
        "entryPoints": entry_points,
        "files": files,
        "tags": wheel_headers.get("Tag", []),
        "rootIsPurelib": wheel_headers.get("Root-Is-Purelib", []),
    }


if __name__ == "__main__":
    json.dump(describe(sys.argv[1]), sys.stdout, indent=1, sort_keys=True)
