"""What every step shares: report a failure with its error code, write the step's output, run tools."""

import json
import os
import re
import subprocess
import sys

env = os.environ

# Cloud Build keeps only /workspace between steps, each of which runs in a fresh container: the tools a
# build installs (build, twine, packaging) go there, for its later steps to import through use_tools().
TOOLS = os.path.abspath(".pkgrelay-tools")

# Cloud Build returns at most 4 KB of $BUILDER_OUTPUT/output per step.
MAX_OUTPUT_BYTES = 4000

# CSI and OSC sequences (OSC ends with BEL or ST), other two-character escapes, then bare C0/C1 controls.
_CONTROL = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x1b[@-Z\\-_]"
    r"|\x9b[0-?]*[ -/]*[@-~]"
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f]"
)


def strip_controls(text):
    """Text without terminal control sequences: build output reaches logs, the record and terminals."""
    return _CONTROL.sub("", text.replace("\r\n", "\n"))


def _shorten(value, limit):
    # Shortens every string longer than `limit`, keeping its end (a log tail's last lines matter most).
    if isinstance(value, str):
        return value if len(value) <= limit else "…" + value[-(limit - 1) :]
    if isinstance(value, dict):
        return {key: _shorten(item, limit) for key, item in value.items()}
    if isinstance(value, list):
        return [_shorten(item, limit) for item in value]
    return value


def encode_output(payload, max_bytes=MAX_OUTPUT_BYTES):
    """The payload as JSON within `max_bytes` of UTF-8: long strings are shortened, the JSON never cut."""
    limit = 4000
    while True:
        data = json.dumps(_shorten(payload, limit), ensure_ascii=False).encode("utf-8")
        if len(data) <= max_bytes or limit <= 16:
            return data
        limit //= 2


def emit(payload):
    path = env.get("BUILDER_OUTPUT")
    if path:
        os.makedirs(path, exist_ok=True)
        with open(os.path.join(path, "output"), "wb") as fh:
            fh.write(encode_output(payload))


def fail(code, message, output=None, **extra):
    """Ends the step with an error code; `output` adds fields beside the error (what was done before it)."""
    message = strip_controls(message)
    print("pkgrelay: " + code + ": " + message, file=sys.stderr, flush=True)
    emit({**(output or {}), "error": {"code": code, "message": message, **extra}})
    sys.exit(1)


def run(args, **kwargs):
    print("+ " + " ".join(args), flush=True)
    return subprocess.run(args, **kwargs)


def run_module(module, args, extra_env=None):
    """`python -m module args` in this interpreter, saving a second interpreter's start.

    Like run() with stdout=PIPE, stderr=STDOUT, text=True: fds 1 and 2 (so the tool's own subprocesses
    too) go to one pipe.
    """
    import importlib.util
    import runpy
    import threading

    print("+ " + " ".join([sys.executable, "-m", module, *args]), flush=True)
    sys.stderr.flush()
    read_end, write_end = os.pipe()
    chunks = []
    reader = threading.Thread(target=lambda: chunks.extend(iter(lambda: os.read(read_end, 65536), b"")))
    reader.start()
    saved = os.dup(1), os.dup(2)
    os.dup2(write_end, 1)
    os.dup2(write_end, 2)
    os.close(write_end)
    os.environ.update(extra_env or {})
    argv, sys.argv = sys.argv, [module, *args]
    try:
        if importlib.util.find_spec(module) is None:
            print(sys.executable + ": No module named " + module, file=sys.stderr)
            code = 1
        else:
            runpy.run_module(module, run_name="__main__", alter_sys=True)
            code = 0
    except SystemExit as exit:
        code = exit.code
        if code is not None and not isinstance(code, int):
            print(code, file=sys.stderr)
            code = 1
    except BaseException:
        import traceback

        traceback.print_exc()
        code = 1
    finally:
        sys.argv = argv
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        os.close(saved[0])
        os.close(saved[1])
    reader.join()
    os.close(read_end)
    output = b"".join(chunks).decode("utf-8", "replace")
    return subprocess.CompletedProcess([sys.executable, "-m", module, *args], int(code or 0), output)


def last_lines(text, count=4):
    lines = [line.strip() for line in strip_controls(text).splitlines() if line.strip()]
    return " | ".join(lines[-count:])[-1500:]


def use_tools():
    """Puts the tools this build installed (install_tools) first on sys.path, if it installed any."""
    import importlib

    if os.path.isdir(TOOLS) and TOOLS not in sys.path:
        sys.path.insert(0, TOOLS)
    importlib.invalidate_caches()
