"""Runs many gcloud command lines, each in its own process, paying gcloud's start-up once.

gcloud spends about a second of CPU importing itself and building its command tree before it reads
its arguments. This process does that once, then forks a child per command line: the child starts
from that state, runs gcloud's own `main` as `gcloud ARGS...` would, and exits with gcloud's exit
code, its stderr in a file. Nothing of one command reaches the next (each is a fresh fork).

Usage: python3 -S run_gcloud_forked.py SDK_ROOT LANES < JSON lines {"args": [...], "stdin": "..."}
Prints one JSON line per command, in any order: {"index": N, "code": C, "stderr": "..."}.
"""

import json
import os
import sys
import tempfile


def load_gcloud(sdk_root):
    """gcloud.py's own start-up, up to the point where it would read sys.argv."""
    sys.path.insert(0, os.path.join(sdk_root, "lib"))
    import gcloud  # noqa: PLC0415 (found only once the SDK is on the path)

    sys.path = gcloud.reorder_sys_path(sys.path)
    gcloud._fix_google_module()
    gcloud_main = gcloud._import_gcloud_main()
    return gcloud_main, gcloud_main.CreateCLI([])


def run_child(gcloud_main, cli, args, stdin_path, stderr_path):
    """In the forked child: gcloud ARGS with the given stdin, stdout discarded, stderr to a file."""
    os.dup2(os.open(stdin_path, os.O_RDONLY), 0)
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
    os.dup2(os.open(stderr_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), 2)
    sys.argv = ["gcloud", *args]
    try:
        code = gcloud_main.main(gcloud_cli=cli)
    except SystemExit as exit_:
        code = exit_.code
    except BaseException:  # noqa: BLE001 (gcloud's crash handler reports; a crash is exit 1 as in gcloud)
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code if isinstance(code, int) else (0 if code is None else 1))


def main():
    sdk_root, lanes = sys.argv[1], int(sys.argv[2])
    commands = [json.loads(line) for line in sys.stdin if line.strip()]
    gcloud_main, cli = load_gcloud(sdk_root)
    scratch = tempfile.mkdtemp(prefix="gcloud-forked-")
    running = {}
    pending = list(enumerate(commands))
    while pending or running:
        while pending and len(running) < lanes:
            index, command = pending.pop(0)
            stdin_path = os.path.join(scratch, f"{index}.in")
            stderr_path = os.path.join(scratch, f"{index}.err")
            with open(stdin_path, "w", encoding="utf-8") as fh:
                fh.write(command.get("stdin", ""))
            # Buffered output would be written twice, once by each process.
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:
                run_child(gcloud_main, cli, command["args"], stdin_path, stderr_path)
            running[pid] = (index, stderr_path)
        pid, status = os.wait()
        index, stderr_path = running.pop(pid)
        with open(stderr_path, encoding="utf-8", errors="replace") as fh:
            stderr = fh.read()
        print(json.dumps({"index": index, "code": os.waitstatus_to_exitcode(status), "stderr": stderr}), flush=True)


if __name__ == "__main__":
    main()
