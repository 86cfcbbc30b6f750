/** Python shared by every step: report a failure with its error code, write the step's output, run tools. */
export const PRELUDE = String.raw`
import json, os, subprocess, sys

def emit(payload):
    path = os.environ.get("BUILDER_OUTPUT")
    if path:
        os.makedirs(path, exist_ok=True)
        with open(os.path.join(path, "output"), "w") as fh:
            fh.write(json.dumps(payload)[:4000])

def fail(code, message):
    print("pkgrelay: " + code + ": " + message, file=sys.stderr, flush=True)
    emit({"error": {"code": code, "message": message}})
    sys.exit(1)

def run(args, **kwargs):
    print("+ " + " ".join(args), flush=True)
    return subprocess.run(args, **kwargs)

def run_module(module, args, extra_env=None):
    # "python -m module args" in this interpreter, saving a second interpreter's start; like run() with
    # stdout=PIPE, stderr=STDOUT, text=True: fds 1 and 2 (so the tool's own subprocesses too) go to one pipe.
    import importlib.util, runpy, threading
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
    return " | ".join([line.strip() for line in text.splitlines() if line.strip()][-count:])[-1500:]

env = os.environ

# Cloud Build runs every step in a fresh container of the image and keeps only /workspace: the tools
# an isolated build installs (build, twine, packaging) go there, for every later step to import.
TOOLS = os.path.abspath(".pkgrelay-tools")

def use_tools():
    import importlib
    if TOOLS not in sys.path:
        sys.path.insert(0, TOOLS)
    importlib.invalidate_caches()

if os.path.isdir(TOOLS):
    use_tools()
`;
