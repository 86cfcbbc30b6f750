/** Python shared by every step: report a failure with its error code, and write the step's output. */
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

def last_lines(text, count=4):
    return " | ".join([line.strip() for line in text.splitlines() if line.strip()][-count:])[-1500:]

env = os.environ
`;
