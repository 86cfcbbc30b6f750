"""Line-based edits of a TOML file: set or remove one key of one table, leaving every other line as it was.

Enough for the keys a rename or re-version touches (strings, arrays of strings, arrays of inline tables);
the caller parses the result with tomllib to confirm each edit landed.
"""

import json
import re

HEADER = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(#.*)?$")


def to_toml(value):
    """A TOML literal of a string, bool, list or dict (inline table); JSON strings are TOML basic strings."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(to_toml(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(key + " = " + to_toml(item) for key, item in value.items()) + " }"
    raise TypeError("no TOML literal for " + type(value).__name__)


def _table_name(header):
    return re.sub(r"\s*\.\s*", ".", header.strip().strip("\"'"))


def _value_end(lines, start):
    # The last line of the value that begins on lines[start]: brackets outside strings must balance.
    depth, index, quote = 0, start, None
    text = lines[start].split("=", 1)[1]
    while True:
        position = 0
        while position < len(text):
            char = text[position]
            if quote:
                if text.startswith(quote, position):
                    position += len(quote) - 1
                    quote = None
                elif char == "\\" and quote in ('"', '"""'):
                    position += 1
            elif text.startswith(('"""', "'''"), position):
                quote = text[position : position + 3]
                position += 2
            elif char in "\"'":
                quote = char
            elif char == "#":
                break
            elif char in "[{":
                depth += 1
            elif char in "]}":
                depth -= 1
            position += 1
        if quote in ('"', "'"):
            quote = None  # a one-line string cannot run on; TOML would reject the file anyway
        if (depth <= 0 and quote is None) or index + 1 >= len(lines):
            return index
        index += 1
        text = lines[index]


def _find(lines, table, key):
    """(line of the `[table]` header, line of `key` in it), each None where absent."""
    header_at, key_at, current = None, None, None
    for index, line in enumerate(lines):
        stripped = line.strip()
        header = HEADER.match(stripped)
        if header or stripped.startswith("[["):
            current = _table_name(header.group(1)) if header else None
            if current == table and header_at is None:
                header_at = index
        elif current == table and key_at is None and re.match(r"^" + re.escape(key) + r"\s*=", stripped):
            key_at = index
    return header_at, key_at


def set_key(text, table, key, value):
    """`text` with `table.key` set to `value`: replaced in place, added under the table's header, or in a new table."""
    lines = text.split("\n")
    header_at, key_at = _find(lines, table, key)
    line = key + " = " + to_toml(value)
    if key_at is not None:
        lines[key_at : _value_end(lines, key_at) + 1] = [line]
    elif header_at is not None:
        lines.insert(header_at + 1, line)
    else:
        while lines and not lines[-1].strip():
            lines.pop()
        lines += ["", "[" + table + "]", line, ""]
    return "\n".join(lines)


def remove_key(text, table, key):
    """`text` without `table.key` (and its value's continuation lines)."""
    lines = text.split("\n")
    _, key_at = _find(lines, table, key)
    if key_at is not None:
        del lines[key_at : _value_end(lines, key_at) + 1]
    return "\n".join(lines)
