"""Answer Markdown to safe HTML, once per answer: group and question pages reuse the same HTML."""

from __future__ import annotations

import threading

import markdown

from .figures.sanitise import sanitise_html
from .gfm import as_github

EXTENSIONS = [
    "tables",
    "sane_lists",
    "md_in_html",
    "pymdownx.superfences",
    "pymdownx.highlight",
    "pymdownx.inlinehilite",
    "pymdownx.tasklist",
    "pymdownx.tilde",
    "pymdownx.magiclink",
]
EXTENSION_CONFIGS = {
    "pymdownx.highlight": {"guess_lang": False, "use_pygments": True},
    "pymdownx.magiclink": {"hide_protocol": False},
}


MAGICLINK = "pymdownx.magiclink"


def may_autolink(text: str) -> bool:
    """Whether magiclink could find a link in `text`: every URL it links has "://" or "www.", every
    e-mail an "@" (its @mentions and repository shorthands are off)."""
    low = text.lower()
    return "://" in low or "www." in low or "@" in text


class MarkdownRenderer:
    """Renders student Markdown with the site's extensions and sanitises the result.

    Text that cannot hold a link is rendered without magiclink, whose patterns are a third of
    Python-Markdown's time on answers; the HTML is the same (see the tests).
    """

    def __init__(self) -> None:
        self._local = threading.local()

    def _md(self, links: bool) -> markdown.Markdown:
        name = "links" if links else "plain"
        md = getattr(self._local, name, None)
        if md is None:
            extensions = EXTENSIONS if links else [e for e in EXTENSIONS if e != MAGICLINK]
            md = markdown.Markdown(extensions=extensions, extension_configs=EXTENSION_CONFIGS)
            setattr(self._local, name, md)
        return md

    def render(self, text: str) -> str:
        """The answer's HTML, read with GitHub's rules where Python-Markdown's differ (see `gfm`)."""
        md = self._md(may_autolink(text))
        try:
            html = md.convert(as_github(text))
        finally:
            md.reset()
        return sanitise_html(html)
