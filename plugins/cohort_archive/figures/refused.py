"""Figures that turned out not to be images only when they were copied, after their pages were written.

The figures a report references are downloaded while MkDocs renders (see the plugin), so a file whose
content is a Git LFS pointer (no `.gitattributes` announced it) or no image at all is known only then.
`settle` records it in the model (the export counts it right, the group lists a problem) and says what each
page should show instead: GitHub's raw address of the file (it serves LFS content; off GitHub: nothing), or
a missing-figure marker. `patch_pages` then rewrites the written pages that refer to it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from ..model import Group, Problem
from ..pages import urls
from .lfs import raw_url
from .resolve import parse_repo_url
from .rewrite import missing_marker

Replacement = tuple[str | None, str]  # (URL to show the figure from, or None: a marker), the ref as written


def settle(groups: dict[str, Group], refused: Iterable[tuple[str, str, str]]) -> dict[str, Replacement]:
    """For each (group key, repo path, kind) not copied: site URI of the figure -> what to show instead."""
    out: dict[str, Replacement] = {}
    for key, path, kind in refused:
        group = groups.get(key)
        report = group.report if group else None
        if group is None or report is None:
            continue
        repo = parse_repo_url(group.snapshot.entry.repo_url)
        commit = group.snapshot.commit
        url = raw_url(repo.owner, repo.name, commit, path) if kind == "lfs" and repo and commit else None
        for figure in report.figures:
            if figure.path != path or figure.site_name is None:
                continue
            out[urls.figure(group.cohort, group.number, figure.site_name)] = (url, figure.ref)
            if url:
                figure.hosted = url
            else:
                figure.status = "missing"
        what = "a Git LFS pointer without .gitattributes" if kind == "lfs" else "not an image"
        shown = "shown from GitHub" if url else "not shown"
        problem = Problem(path, f"figure {path} is {what}: {shown}", key, "warning")
        if problem not in report.problems:  # a serve rebuild settles the same report again
            report.problems.append(problem)
    return out


def patch_pages(site: Path, replacements: dict[str, Replacement]) -> int:
    """Rewrite the site's HTML pages that show a replaced figure; the number of pages rewritten.

    A page is written anew, never edited in place: unchanged pages are hard links into the page cache.
    """
    if not replacements:
        return 0
    changed = 0
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        new = text
        for uri, (url, ref) in replacements.items():
            if uri in new:
                new = _replace(new, uri, url, ref)
        if new != text:
            tmp = page.with_name(f".{page.name}.tmp")
            tmp.write_text(new, encoding="utf-8")
            tmp.replace(page)
            changed += 1
    return changed


def _replace(html: str, uri: str, url: str | None, ref: str) -> str:
    local = r"(?:\.\./)*" + re.escape(uri)  # as a page refers to it: relative to the page
    if url:
        return re.sub(rf'(?<=["\'])(?:{local})(?=["\'])', url, html)
    marker = missing_marker(ref)
    html = re.sub(rf"<img\b[^>]*\bsrc=[\"']{local}[\"'][^>]*>", lambda _: marker, html)
    return re.sub(rf'(?<=href=["\'])(?:{local})(?=["\'])', "#", html)
