"""Rendered pages kept across builds: a generated page whose inputs did not change is not rendered again.

A page's key covers everything its HTML depends on: its Markdown and HTML blocks, the rendered answers
it shows, and a site signature (the nav plan, the hand-written pages, the MkDocs configuration, the
theme's and this package's versions and templates). Change any of them and the page is rendered anew.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable
from pathlib import Path

from .archive import Rendered
from .pages.common import PageSpec

_GROUP_REF = re.compile(r"<!--ca-(?:answer|freeform):([^:>]+?)(?::\d+)?-->")


def digest(*parts: object) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part if isinstance(part, bytes) else str(part).encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()[:40]


def rendered_digest(rendered: Rendered) -> str:
    return digest(sorted(rendered.answers.items()), rendered.free_form)


def files_digest(paths: Iterable[Path], root: Path | None = None) -> str:
    """A digest of the files' names and bytes; names relative to `root` when given (location-free)."""
    h = hashlib.sha256()
    for path in sorted(paths):
        h.update((path.relative_to(root).as_posix() if root else str(path)).encode())
        try:
            h.update(path.read_bytes())
        except OSError:
            h.update(b"-")
    return h.hexdigest()[:40]


class PageCache:
    """HTML of generated pages by key, in a folder of the clone cache."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.used: set[str] = set()

    def key(self, site: str, page: PageSpec, groups: dict[str, str]) -> str:
        refs = sorted(set(_GROUP_REF.findall(page.markdown)))
        return digest(site, page.uri, page.markdown, page.blocks, [(k, groups.get(k, "")) for k in refs])

    def path(self, key: str) -> Path:
        return self.directory / f"{key}.html"

    def get(self, key: str) -> Path | None:
        self.used.add(key)
        path = self.path(key)
        return path if path.is_file() else None

    def put(self, key: str, html: str) -> None:
        self.used.add(key)
        self.directory.mkdir(parents=True, exist_ok=True)
        tmp = self.directory / f".{key}.{os.getpid()}.tmp"
        tmp.write_text(html, encoding="utf-8")
        tmp.replace(self.path(key))

    def prune(self) -> int:
        """Drop pages this build did not use; returns how many."""
        removed = 0
        if self.directory.is_dir():
            for path in self.directory.glob("*.html"):
                if path.stem not in self.used:
                    path.unlink(missing_ok=True)
                    removed += 1
        return removed
