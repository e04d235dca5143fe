"""The hand-written pages (Markdown files in `docs/`) as built HTML, for the search index."""

from __future__ import annotations

import re
from pathlib import Path

from ..pages import urls

_ARTICLE = re.compile(r"<article\b[^>]*>", re.IGNORECASE)
_TABLE = re.compile(r"<table\b", re.IGNORECASE)
PAGE_MARK = '<span data-pagefind-meta="kind:page" hidden></span>'


def built_html_path(site_dir: Path, url: str, use_directory_urls: bool) -> Path:
    """Where MkDocs wrote the page with this site-relative URL."""
    if use_directory_urls and (url == "" or url.endswith("/")):
        return site_dir / url / "index.html"
    return site_dir / url


def hand_written_pages(
    docs_dir: Path, site_dir: Path, use_directory_urls: bool, *, skip: frozenset[str] = frozenset()
) -> list[tuple[str, Path]]:
    """(site-relative URL, built HTML file) of every Markdown page in `docs_dir` that was built."""
    out = []
    if not docs_dir.is_dir():
        return out
    for path in sorted(docs_dir.rglob("*.md")):
        uri = path.relative_to(docs_dir).as_posix()
        if uri in skip or any(part.startswith(".") for part in Path(uri).parts):
            continue
        url = urls.page_url(uri, use_directory_urls)
        html = built_html_path(site_dir, url, use_directory_urls)
        if html.is_file():
            out.append((url, html))
    return out


def mark_page(html: str) -> str:
    """Tag a built page's article so search results can tell pages from answers (`meta.kind`); its tables
    are left out of the index (Pagefind runs their cells together: "CohortGroupsWith report")."""
    html = _TABLE.sub("<table data-pagefind-ignore", html)
    return _ARTICLE.sub(lambda m: m.group(0) + PAGE_MARK, html, count=1)
