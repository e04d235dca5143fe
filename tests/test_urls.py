"""The site's URL scheme: source URIs, relative links and the root prefix."""

from __future__ import annotations

import pytest

from cohort_archive.pages import urls


def test_link_between_generated_pages() -> None:
    assert urls.link(urls.group("2025-january", 17), urls.question("2025-january", "gcp-services"), "x") == (
        "../questions/gcp-services.md#x"
    )
    assert urls.link("index.md", urls.cohort("2023-january")) == "2023-january/index.md"
    topic_to_group = urls.link(urls.topic("deploy-model"), urls.group("2024-january", 3))
    assert topic_to_group == "../2024-january/groups/3.md"


@pytest.mark.parametrize(
    ("uri", "directory", "expected"),
    [
        ("index.md", True, ""),
        ("2025-january/index.md", True, "2025-january/"),
        ("2025-january/groups/17.md", True, "2025-january/groups/17/"),
        ("2025-january/groups/17.md", False, "2025-january/groups/17.html"),
    ],
)
def test_page_url(uri: str, directory: bool, expected: str) -> None:
    assert urls.page_url(uri, directory) == expected


@pytest.mark.parametrize(
    ("url", "prefix"),
    [("", ""), ("search/", "../"), ("2025-january/groups/17/", "../../../"), ("a/b.html", "../")],
)
def test_root_prefix(url: str, prefix: str) -> None:
    assert urls.root_prefix(url) == prefix
