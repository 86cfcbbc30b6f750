import { PRELUDE } from './prelude.js';

/** Step `upload`: twine to the registry; files it already holds are skipped and reported, not failed. */
export const UPLOAD_DISTRIBUTIONS =
  PRELUDE +
  String.raw`
import hashlib
files = [os.path.join("dist", name) for name in sorted(os.listdir("dist"))]
args = ["upload", "--non-interactive", "--skip-existing", "--disable-progress-bar", "--repository-url", env["PKGRELAY_REGISTRY_URL"], *files]
if env.get("PKGRELAY_REGISTRY_AUTH") == "google":
    # Artifact Registry's keyring backend authenticates twine as the build's service account: no stored key.
    run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "keyrings.google-artifactregistry-auth"], check=True)
    # A second interpreter, so keyring finds the backend installed after this one started.
    tools = {"PYTHONPATH": TOOLS} if os.path.isdir(TOOLS) else {}
    result = run([sys.executable, "-m", "twine", *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env={**env, **tools})
else:
    result = run_module("twine", args, {"TWINE_USERNAME": env.get("TWINE_USERNAME", "pkgrelay"),
                                        "TWINE_PASSWORD": env.get("TWINE_PASSWORD", "pkgrelay")})
print(result.stdout, end="")
if result.returncode != 0:
    fail("UPLOAD_REJECTED", "the registry refused the upload: " + last_lines(result.stdout)
         + " (check the registry URL and that the build's service account may write to it)")
artifacts = []
for path in files:
    name = os.path.basename(path)
    with open(path, "rb") as fh:
        digest = hashlib.sha256(fh.read()).hexdigest()
    skipped = ("Skipping " + name) in result.stdout
    artifacts.append({"filename": name, "sha256": digest, "size": os.path.getsize(path),
                      "kind": "wheel" if name.endswith(".whl") else "sdist", "uploaded": not skipped})
emit({"artifacts": artifacts})
`;
