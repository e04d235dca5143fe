"""Building blocks shared by the page builders.

Generated pages keep only their headings in Markdown (so MkDocs builds the table of contents and the
anchors); everything else is HTML made here once and swapped in after Markdown is rendered: tables,
metrics lines, answers. Python-Markdown never parses it, which is what keeps an archive of ~800 long
pages fast. Links between generated pages are written `@@PAGE@@<source uri>#anchor` and resolved
per page by the plugin; `@@ROOT@@` is the relative path to the site root.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ..model import Group, Problem

GROUP_INFO = frozenset({"group-number", "student-numbers"})  # shown as group information, not as answers

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~])")

BLOCK = re.compile(r"<!--ca-(answer|freeform|block):([^:>]+?)(?::(\d+))?-->")


def esc(text: str) -> str:
    """Text safe to drop into Markdown: HTML-escaped, Markdown specials backslash-escaped, one line."""
    text = " ".join(str(text).split())
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def h(text: object) -> str:
    """Text safe to drop into HTML, on one line."""
    return html.escape(" ".join(str(text).split()))


def answer_block(group_key: str, number: int) -> str:
    """A placeholder the plugin swaps for the answer's pre-rendered HTML after Markdown is rendered."""
    return f"\n<!--ca-answer:{group_key}:{number}-->\n"


def free_form_block(group_key: str) -> str:
    return f"\n<!--ca-freeform:{group_key}-->\n"


def page_link(uri: str, text: str, anchor: str | None = None, *, raw: bool = False) -> str:
    """An HTML link to a generated page (by source URI), resolved per page by the plugin."""
    target = f"@@PAGE@@{uri}" + (f"#{anchor}" if anchor else "")
    return f'<a href="{target}">{text if raw else h(text)}</a>'


def html_table(header: Sequence[str], rows: Iterable[Sequence[object]], *, sortable: bool = False) -> str:
    """A table of HTML cells (cells are inserted as given: escape text with `h`)."""
    head = "".join(f"<th>{h(c)}</th>" for c in header)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    table = f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    # no class on the table: Material styles and scroll-wraps `table:not([class])` itself
    return f'<div class="ca-sortable">{table}</div>' if sortable else table


def share(part: int, whole: int) -> str:
    return f"{part}/{whole}" if whole else "–"


def percent(value: float | None) -> str:
    return "–" if value is None else f"{round(100 * value)} %"


def problems_admonition(problems: Sequence[Problem], *, title: str | None = None) -> str:
    """A Material admonition listing problems, as HTML."""
    if not problems:
        return ""
    kind = "danger" if any(p.severity == "error" for p in problems) else "warning"
    title = title or f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found"
    items = "".join(f"<li><strong>{h(p.where)}</strong>: {h(p.message)}</li>" for p in problems)
    return f'<div class="admonition {kind}"><p class="admonition-title">{h(title)}</p><ul>{items}</ul></div>'


def admonition(kind: str, title: str, text: str) -> str:
    return f'<div class="admonition {kind}"><p class="admonition-title">{h(title)}</p><p>{text}</p></div>'


def status_label(group: Group) -> str:
    status = group.snapshot.status
    return {
        "ok": "ok",
        "unavailable": "<strong>unavailable</strong>",
        "no-report": "<strong>no report</strong>",
    }[status]


@dataclass
class PageSpec:
    """A generated page: where it goes, its title, its Markdown and the HTML blocks it refers to."""

    uri: str
    title: str
    markdown: str
    blocks: list[str] = field(default_factory=list)
    meta: dict[str, object] = field(default_factory=dict)


class PageWriter:
    """Accumulates a page: Markdown for headings, HTML blocks for everything else."""

    def __init__(self, uri: str) -> None:
        self.uri = uri
        self.parts: list[str] = []
        self.blocks: list[str] = []

    def md(self, text: str) -> None:
        self.parts.append(text)

    def heading(self, level: int, text: str, anchor: str | None = None) -> None:
        self.parts.append(f"{'#' * level} {esc(text)}" + (f" {{#{anchor}}}" if anchor else "") + "\n")

    def html(self, fragment: str) -> None:
        """An HTML block, kept away from Markdown."""
        if fragment:
            self.blocks.append(fragment)
            self.parts.append(f"\n<!--ca-block:{self.uri}:{len(self.blocks) - 1}-->\n")

    def answer(self, group_key: str, number: int) -> None:
        self.parts.append(answer_block(group_key, number))

    def free_form(self, group_key: str) -> None:
        self.parts.append(free_form_block(group_key))

    def page(self, title: str) -> PageSpec:
        return PageSpec(self.uri, title, "\n".join(self.parts), self.blocks)
