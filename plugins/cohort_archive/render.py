"""Answer Markdown to safe HTML, once per answer: group and question pages reuse the same HTML."""

from __future__ import annotations

import re
import threading

import markdown
from pymdownx import emoji

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
    "pymdownx.emoji",
]
EXTENSION_CONFIGS = {
    "pymdownx.highlight": {"guess_lang": False, "use_pygments": True},
    "pymdownx.magiclink": {"hide_protocol": False},
    # GitHub's shortcodes (`:rocket:`) as the emoji character itself: no images, no script
    "pymdownx.emoji": {"emoji_index": emoji.gemoji, "emoji_generator": emoji.to_alt},
}


MAGICLINK = "pymdownx.magiclink"
EMOJI = "pymdownx.emoji"
_SHORTCODE = re.compile(r":[+\-\w]+:")


def may_autolink(text: str) -> bool:
    """Whether magiclink could find a link in `text`: every URL it links has "://" or "www.", every
    e-mail an "@" (its @mentions and repository shorthands are off)."""
    low = text.lower()
    return "://" in low or "www." in low or "@" in text


class MarkdownRenderer:
    """Renders student Markdown with the site's extensions and sanitises the result.

    Text that cannot hold a link is rendered without magiclink, whose patterns are a third of
    Python-Markdown's time on answers, and text without a `:shortcode:` without emoji; the HTML is the
    same (see the tests).
    """

    def __init__(self) -> None:
        self._local = threading.local()

    def _md(self, links: bool, shortcodes: bool = False) -> markdown.Markdown:
        name = f"md_{links:d}{shortcodes:d}"
        md = getattr(self._local, name, None)
        if md is None:
            skip = {MAGICLINK} if not links else set()
            skip |= {EMOJI} if not shortcodes else set()
            extensions = [e for e in EXTENSIONS if e not in skip]
            md = markdown.Markdown(extensions=extensions, extension_configs=EXTENSION_CONFIGS)
            setattr(self._local, name, md)
        return md

    def render(self, text: str) -> str:
        """The answer's HTML, read with GitHub's rules where Python-Markdown's differ (see `gfm`)."""
        md = self._md(may_autolink(text), ":" in text and _SHORTCODE.search(text) is not None)
        try:
            html = md.convert(as_github(text))
        finally:
            md.reset()
        return sanitise_html(html)
