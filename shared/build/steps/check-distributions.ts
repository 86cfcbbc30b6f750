import { PRELUDE } from './prelude.js';

/** Step `check`: twine's own metadata check, so the registry never receives a package pip would choke on. */
export const CHECK_DISTRIBUTIONS =
  PRELUDE +
  String.raw`
files = [os.path.join("dist", name) for name in sorted(os.listdir("dist"))]
result = run_module("twine", ["check", "--strict", *files])
print(result.stdout, end="")
if result.returncode != 0:
    fail("METADATA_INVALID", "twine check rejected the built files: " + last_lines(result.stdout))
`;
