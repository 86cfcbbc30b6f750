"""What an index holds, read from its PEP 503 project page."""

import pytest

from pkgrelay_steps.registry_files import parse_project_page, project_page_url


def test_links_with_and_without_digests():
    page = (
        "<!DOCTYPE html><html><body>"
        '<a href="../../files/acme_sdk-1.0.0-py3-none-any.whl#sha256=ABCD" data-requires-python="&gt;=3.9">'
        "acme_sdk-1.0.0-py3-none-any.whl</a>"
        '<a href="https://x.example/p/acme-sdk-1.0.0.tar.gz">acme-sdk-1.0.0.tar.gz</a>'
        "</body></html>"
    )
    assert parse_project_page(page) == {"acme_sdk-1.0.0-py3-none-any.whl": "abcd", "acme-sdk-1.0.0.tar.gz": ""}


@pytest.mark.parametrize(("name", "path"), [("Acme_SDK", "acme-sdk"), ("a.b--c", "a-b-c")])
def test_project_pages_are_at_normalized_names(name, path):
    assert project_page_url("https://r.example/p/repo/", name) == "https://r.example/p/repo/simple/" + path + "/"
