"""Render a generated page's headings as the `toc` extension would, and its table of contents.

Generated pages never pass through Python-Markdown, so this does the two things the `toc` extension
did for them: `<hN id=...>` with the permalink MkDocs users configured (`toc: {permalink: true}`,
`permalink_class`, `permalink_title`, `permalink_leading`), and the nested TOC tokens MkDocs builds
`page.toc` from.
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from markdown.extensions.toc import nest_toc_tokens

from .common import HEADING, Heading

_ID = re.compile(r"""\sid=["']([^"']+)["']""")


@dataclass(frozen=True)
class Permalinks:
    """How headings get their permalink (the `toc` extension's options of the same names)."""

    text: str | None = None  # None: no permalink
    css_class: str = "headerlink"
    title: str = "Permanent link"
    leading: bool = False

    @classmethod
    def from_toc_config(cls, toc: Mapping[str, Any] | None) -> Permalinks:
        """From `markdown_extensions: - toc: {...}` (None: the toc extension is not enabled)."""
        if toc is None:
            return cls()
        link = toc.get("permalink", False)
        return cls(
            text=("&para;" if link is True else str(link)) if link else None,
            css_class=str(toc.get("permalink_class", "headerlink")),
            title=str(toc.get("permalink_title", "Permanent link")),
            leading=bool(toc.get("permalink_leading", False)),
        )


def heading_html(heading: Heading, links: Permalinks) -> str:
    text, ident = html_lib.escape(heading.text), html_lib.escape(heading.id)
    tag = f"h{heading.level}"
    if links.text is None:
        return f'<{tag} id="{ident}">{text}</{tag}>'
    title = f' title="{html_lib.escape(links.title)}"' if links.title else ""
    link = f'<a class="{html_lib.escape(links.css_class)}" href="#{ident}"{title}>{links.text}</a>'
    inner = link + text if links.leading else text + link
    return f'<{tag} id="{ident}">{inner}</{tag}>'


def render_headings(
    html: str, headings: Sequence[Heading], links: Permalinks
) -> tuple[str, list[dict[str, Any]]]:
    """The page's HTML with its heading placeholders filled in, and its nested TOC tokens."""
    out = HEADING.sub(lambda m: heading_html(headings[int(m.group(1))], links) + "\n", html)
    flat = [{"level": h.level, "id": h.id, "name": html_lib.escape(h.text)} for h in headings]
    return out, nest_toc_tokens(flat)


def anchor_ids(headings: Sequence[Heading], blocks: Sequence[str]) -> set[str]:
    """Every id a link may point at: the headings' and those written in the page's HTML blocks."""
    return {h.id for h in headings} | {m for block in blocks for m in _ID.findall(block)}
