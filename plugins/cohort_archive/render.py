"""Answer Markdown to safe HTML, once per answer: group and question pages reuse the same HTML."""

from __future__ import annotations

import re
import threading

import markdown
from pymdownx import emoji
from pymdownx.magiclink import MagiclinkPattern

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
    # a code block keeps its leading blank lines, as on GitHub
    "pymdownx.highlight": {"guess_lang": False, "use_pygments": True, "stripnl": False},
    "pymdownx.magiclink": {"hide_protocol": False},
    # `~~strike~~` only: GitHub has no subscript, and with it a backslash before a space is an escape
    # (`docker build \ ` lost its backslash)
    "pymdownx.tilde": {"subscript": False},
    # GitHub's shortcodes (`:rocket:`) as the emoji character itself: no images, no script
    "pymdownx.emoji": {"emoji_index": emoji.gemoji, "emoji_generator": emoji.to_alt},
}


# What text must lack to be nothing but paragraphs of words to Python-Markdown and to each extension above:
# inline syntax, entities, HTML, autolinks, shortcodes, backslash escapes, tabs and other control
# characters; a line that could open a block (list, quote, heading, rule, setext underline, table, fence,
# indented code), or that starts or ends with whitespace (a line break; a blank line that is not empty).
_SYNTAX = re.compile(
    r"[\\`*_\[\]<>#|~:!&@\x00-\x09\x0b-\x1f\x7f]|://|www\.|^[^\S\n]|[^\S\n]$|^[-+=]|^\d+[.)]",
    re.M | re.I,
)
_BLANK_LINES = re.compile(r"\n{2,}")

MAGICLINK = "pymdownx.magiclink"
EMOJI = "pymdownx.emoji"
# Where GitHub links a bare URL: `http://`, `https://`, `ftp://` after anything but a letter (`source=https://…`,
# `--url=https://…`: it looks back over the scheme's letters only), `www.` where magiclink does (at the start,
# after whitespace or `*_~(`); neither inside an open `[` (`_BareUrl`). Magiclink alone wants whitespace or one
# of those before a scheme too.
_GFM_BARE_URL = r"""(?xi)
(?:
    (?<![a-z])(?:ht|f)tps?://|
    (?<![^\s*_~^[('"\x03])(?P<www>w{3}\.)
)
"""
_SHORTCODE = re.compile(r":[+\-\w]+:")


class _BareUrl(MagiclinkPattern):
    """Magiclink's bare URL, made where GitHub makes one: not inside a `[` left open (cmark-gfm makes no
    URL link while a bracket is open: `[https://…](some words)` and `[see https://…]` stay text)."""

    def handleMatch(self, m: re.Match[str], data: str):  # type: ignore[override]
        if "[" in data and _in_bracket(data, m.start(0)):
            return None, None, None
        return super().handleMatch(m, data)


def _in_bracket(data: str, end: int) -> bool:
    """Whether a `[` before `end` is still open there (links are placeholders by now: what is left of
    brackets is text)."""
    depth = 0
    for char in data[:end]:
        if char == "[":
            depth += 1
        elif char == "]" and depth:
            depth -= 1
    return depth > 0


def new_markdown(extensions: list[str]) -> markdown.Markdown:
    """Python-Markdown with `extensions` (of EXTENSIONS) configured for answers; magiclink, when among
    them, links bare URLs where GitHub does (`_GFM_BARE_URL`)."""
    md = markdown.Markdown(extensions=extensions, extension_configs=EXTENSION_CONFIGS)
    if MAGICLINK in extensions:
        bare = _BareUrl(_GFM_BARE_URL, md)
        bare.config = md.inlinePatterns["magic-link"].config
        md.inlinePatterns.register(bare, "magic-link", 85)
    return md


def plain_paragraphs(text: str) -> str | None:
    """Python-Markdown's HTML for `text` when it is only paragraphs of plain words (see `_SYNTAX`), made
    without it; None for any other text."""
    if _SYNTAX.search(text):
        return None
    paragraphs = [p for p in _BLANK_LINES.split(text.strip("\n")) if p]
    return "\n".join(f"<p>{p}</p>" for p in paragraphs)


def may_autolink(text: str) -> bool:
    """Whether magiclink could find a link in `text`: every URL it links has "://" or "www.", every
    e-mail an "@" (its @mentions and repository shorthands are off)."""
    low = text.lower()
    return "://" in low or "www." in low or "@" in text


class MarkdownRenderer:
    """Renders student Markdown with the site's extensions and sanitises the result.

    Text that is only paragraphs of plain words (about 4 answers in 10) does not go through
    Python-Markdown at all (`plain_paragraphs`); text that cannot hold a link is rendered without
    magiclink, whose patterns are a third of Python-Markdown's time on answers, and text without a
    `:shortcode:` without emoji. The HTML is the same (see the tests).
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
            md = new_markdown(extensions)
            setattr(self._local, name, md)
        return md

    def render(self, text: str) -> str:
        """The answer's HTML, read with GitHub's rules where Python-Markdown's differ (see `gfm`)."""
        source = as_github(text)
        html = plain_paragraphs(source)
        if html is None:
            md = self._md(may_autolink(text), ":" in text and _SHORTCODE.search(text) is not None)
            try:
                html = md.convert(source)
            finally:
                md.reset()
        return sanitise_html(html)
