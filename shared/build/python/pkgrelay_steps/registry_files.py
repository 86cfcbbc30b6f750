"""The files a Python index already holds for a project, with the digests it reports (PEP 503 pages)."""

import html.parser
import re
import urllib.error
import urllib.parse
import urllib.request


class _Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.files = {}

    def handle_starttag(self, tag, attrs):
        if tag != "a":
            return
        href = dict(attrs).get("href") or ""
        path, _, fragment = href.partition("#")
        name = urllib.parse.unquote(path.rstrip("/").rsplit("/", 1)[-1])
        digest = fragment[len("sha256=") :] if fragment.startswith("sha256=") else ""
        if name:
            self.files[name] = digest.lower()


def parse_project_page(text):
    """Filename to sha256 hex (empty where the index gives none) from a PEP 503 HTML project page."""
    parser = _Links()
    parser.feed(text)
    return parser.files


def project_page_url(registry_url, name):
    normalized = re.sub(r"[-_.]+", "-", name).lower()
    return registry_url.rstrip("/") + "/simple/" + urllib.parse.quote(normalized) + "/"


def registry_files(registry_url, name, authorization=None, timeout=30):
    """What the index holds for `name`; an empty dict when it has never heard of the project (404)."""
    if not registry_url.startswith(("https://", "http://")):
        raise ValueError("the registry URL must be http(s): " + registry_url)
    request = urllib.request.Request(  # noqa: S310 (an http(s) URL, checked above)
        project_page_url(registry_url, name), headers={"Accept": "text/html"}
    )
    if authorization:
        request.add_header("Authorization", authorization)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return parse_project_page(response.read().decode("utf-8", "replace"))
    except urllib.error.HTTPError as error:
        if error.code == 404:
            return {}
        raise
