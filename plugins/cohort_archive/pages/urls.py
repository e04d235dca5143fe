"""Where every generated page and figure lives: one place for the site's URL scheme.

All values are MkDocs source URIs (`.md` paths relative to `docs/`); MkDocs turns them into URLs.
"""

from __future__ import annotations

import posixpath


def cohort(cohort_id: str) -> str:
    return f"{cohort_id}/index.md"


def group(cohort_id: str, number: int) -> str:
    return f"{cohort_id}/groups/{number}.md"


def question(cohort_id: str, question_id: str) -> str:
    return f"{cohort_id}/questions/{question_id}.md"


def checklist(cohort_id: str) -> str:
    return f"{cohort_id}/checklist.md"


def compliance(cohort_id: str) -> str:
    return f"{cohort_id}/compliance.md"


def topics() -> str:
    return "questions/index.md"


def topic(question_id: str) -> str:
    return f"questions/{question_id}.md"


def search() -> str:
    return "search.md"


def figure(cohort_id: str, number: int, site_name: str) -> str:
    return f"assets/figures/{cohort_id}/{number}/{site_name}"


def question_anchor(number: int) -> str:
    return f"q{number}"


def group_anchor(cohort_id: str, number: int) -> str:
    return f"{cohort_id}-group-{number}"


def link(from_uri: str, to_uri: str, anchor: str | None = None) -> str:
    """A relative Markdown link target from one source URI to another (MkDocs resolves and checks it)."""
    target = posixpath.relpath(to_uri, posixpath.dirname(from_uri) or ".")
    return f"{target}#{anchor}" if anchor else target


def page_url(uri: str, use_directory_urls: bool = True) -> str:
    """The site-relative URL MkDocs gives a source URI."""
    stem = uri[: -len(".md")]
    if not use_directory_urls:
        return stem + ".html"
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def root_prefix(url: str) -> str:
    """The relative path from a page URL to the site root ("" for the home page)."""
    return "../" * url.count("/")
