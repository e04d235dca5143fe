"""Answer Markdown to safe HTML, once per answer: group and question pages reuse the same HTML."""

from __future__ import annotations

import threading

import markdown

from .figures.sanitise import sanitise_html

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


class MarkdownRenderer:
    """Renders student Markdown with the site's extensions and sanitises the result."""

    def __init__(self) -> None:
        self._local = threading.local()

    def _md(self) -> markdown.Markdown:
        md = getattr(self._local, "md", None)
        if md is None:
            md = markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS)
            self._local.md = md
        return md

    def render(self, text: str) -> str:
        md = self._md()
        try:
            html = md.convert(text)
        finally:
            md.reset()
        return sanitise_html(html)
