import { PRELUDE } from './prelude.js';

/** Step `verify`: the built sdist and wheel carry the version the tag names (and the name configured). */
export const VERIFY_DISTRIBUTIONS =
  PRELUDE +
  String.raw`
import email.parser, tarfile, zipfile
from packaging.version import Version

def wheel_metadata(path):
    with zipfile.ZipFile(path) as whl:
        name = next(n for n in whl.namelist() if n.count("/") == 1 and n.endswith(".dist-info/METADATA"))
        return email.parser.Parser().parsestr(whl.read(name).decode("utf-8"))

def sdist_metadata(path):
    with tarfile.open(path) as tar:
        member = next(m for m in tar.getmembers() if m.name.count("/") == 1 and m.name.endswith("/PKG-INFO"))
        return email.parser.Parser().parsestr(tar.extractfile(member).read().decode("utf-8"))

expected = str(Version(env["PKGRELAY_VERSION"]))
found = {}
for name in sorted(os.listdir("dist")):
    path = os.path.join("dist", name)
    meta = wheel_metadata(path) if name.endswith(".whl") else sdist_metadata(path)
    found[name] = (meta["Name"], meta["Version"])
    print(name + ": Name " + meta["Name"] + ", Version " + meta["Version"] + ", Metadata-Version " + meta["Metadata-Version"])
mismatched = sorted({version for (_, version) in found.values() if str(Version(version)) != expected})
if mismatched:
    fail("VERSION_MISMATCH", "the tag " + json.dumps(env["PKGRELAY_TAG"]) + " names version " + expected + " but the project built "
         + ", ".join(mismatched) + ": bump the version in the project before tagging, or set \"versionPolicy\": \"from-tag\"")
names = sorted({name for (name, _) in found.values()})
emit({"name": names[0], "version": expected})
`;
