"""Building blocks shared by the page builders.

A generated page is HTML made here, never parsed by Python-Markdown (that is what keeps an archive of
~800 long pages fast): its headings (`Heading`, rendered by `headings.py` the way the `toc` extension
would, with anchors and permalinks, and given to MkDocs as the page's table of contents) and HTML
blocks (tables, metrics lines), plus placeholders for the answers, which are rendered once per build
and swapped in by the plugin. Links between generated pages are written `@@PAGE@@<source uri>#anchor`
and resolved per page by the plugin; `@@ROOT@@` is the relative path to the site root. Each page also
keeps an equivalent Markdown text (headings as Markdown, blocks as placeholders): the content of its
MkDocs `File`, and what the benchmark's plain-MkDocs build renders.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from markdown.extensions.toc import slugify, unique

from ..model import Group, Problem, counted
from ..parse.checklist import item_label

GROUP_INFO = frozenset({"group-number", "student-numbers"})  # shown as group information, not as answers

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~])")

BLOCK = re.compile(r"<!--ca-(answer|freeform|block):([^:>]+?)(?::(\d+))?-->")
HEADING = re.compile(r"<!--ca-h:(\d+)-->")


def esc(text: str) -> str:
    """Text safe to drop into Markdown: HTML-escaped, Markdown specials backslash-escaped, one line."""
    text = " ".join(str(text).split())
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def h(text: object) -> str:
    """Text safe to drop into HTML, on one line."""
    return html.escape(" ".join(str(text).split()))


_CODE_SPAN = re.compile(r"(`+)(.+?)\1")


def h_code(text: object) -> str:
    """Like `h`, with Markdown code spans (`data.py`) shown as code: what a short student-written label
    (a checklist item) means, without rendering the rest as Markdown."""
    out, last = [], 0
    flat = " ".join(str(text).split())
    for m in _CODE_SPAN.finditer(flat):
        out.append(html.escape(flat[last : m.start()]))
        out.append(f"<code>{html.escape(m.group(2).strip())}</code>")
        last = m.end()
    out.append(html.escape(flat[last:]))
    return "".join(out)


def checklist_label(text: str, modules: Sequence[str]) -> str:
    """A checklist item as HTML: its text (code spans as code) and its module tags, each shown once."""
    tags = f" <small>({h(', '.join(modules))})</small>" if modules else ""
    return h_code(item_label(text)) + tags


def commit_day(when: datetime | None, deadline: datetime | None) -> str:
    """The commit's date, in the deadline's time zone when there is one (a commit at 00:30+02:00 is still
    the 24th in Copenhagen), else in the committer's own; "–" without a commit."""
    if when is None:
        return "–"
    return (when.astimezone(deadline.tzinfo) if deadline and deadline.tzinfo else when).date().isoformat()


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


FOLD_PROBLEMS = 5  # a longer list of problems starts folded (a click opens it), not pushing the report down


def problems_admonition(
    problems: Sequence[Problem], *, title: str | None = None, links: Mapping[str, str] | None = None
) -> str:
    """A Material admonition listing problems, as HTML; folded when there are more than FOLD_PROBLEMS.

    `links` maps a problem's `where` (`Q12`) to the URL of what it is about (the answer's anchor).
    """
    if not problems:
        return ""
    serious = [p for p in problems if p.severity != "info"]
    kind = "danger" if any(p.severity == "error" for p in problems) else "warning" if serious else "note"
    if title is None:  # notes (e.g. which of two identical templates was chosen) are not problems
        notes = len(problems) - len(serious)
        parts = [counted(len(serious), "problem")] if serious else []
        parts += [counted(notes, "note")] if notes else []
        title = " and ".join(parts) + (" found" if serious and not notes else "")
    links = links or {}

    def where(p: Problem) -> str:
        label = f"<strong>{h(p.where)}</strong>"
        return f'<a href="{h(links[p.where])}">{label}</a>' if p.where in links else label

    items = "".join(f"<li>{where(p)}: {h(p.message)}</li>" for p in problems)
    if len(problems) > FOLD_PROBLEMS:
        return f'<details class="{kind}"><summary>{h(title)}</summary><ul>{items}</ul></details>'
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


@dataclass(frozen=True)
class Heading:
    """A heading of a generated page: level 1-6, plain text, and its anchor."""

    level: int
    text: str
    id: str


@dataclass
class PageSpec:
    """A generated page: where it goes, its title, its Markdown and the HTML blocks it refers to.

    `html` (with `headings`) is the page as HTML with placeholders, when the page was made by a
    `PageWriter`; None for a page that MkDocs renders from its Markdown (e.g. the search page).
    """

    uri: str
    title: str
    markdown: str
    blocks: list[str] = field(default_factory=list)
    meta: dict[str, object] = field(default_factory=dict)
    html: str | None = None
    headings: list[Heading] = field(default_factory=list)


class PageWriter:
    """Accumulates a page: headings, HTML blocks and answer placeholders (as HTML and as Markdown)."""

    def __init__(self, uri: str) -> None:
        self.uri = uri
        self.parts: list[str] = []  # Markdown
        self.html_parts: list[str] = []
        self.blocks: list[str] = []
        self.headings: list[Heading] = []
        self._ids: set[str] = set()

    def heading(self, level: int, text: str, anchor: str | None = None) -> None:
        """A heading; without `anchor` its id is the `toc` extension's slug of the text."""
        anchor_id = anchor or unique(slugify(text, "-"), self._ids)
        self._ids.add(anchor_id)
        self.html_parts.append(f"<!--ca-h:{len(self.headings)}-->")
        self.headings.append(Heading(level, " ".join(text.split()), anchor_id))
        self.parts.append(f"{'#' * level} {esc(text)}" + (f" {{#{anchor}}}" if anchor else "") + "\n")

    def html(self, fragment: str) -> None:
        """An HTML block."""
        if fragment:
            self.blocks.append(fragment)
            self._both(f"\n<!--ca-block:{self.uri}:{len(self.blocks) - 1}-->\n")

    def answer(self, group_key: str, number: int) -> None:
        self._both(answer_block(group_key, number))

    def free_form(self, group_key: str) -> None:
        self._both(free_form_block(group_key))

    def _both(self, placeholder: str) -> None:
        self.parts.append(placeholder)
        self.html_parts.append(placeholder)

    def page(self, title: str) -> PageSpec:
        return PageSpec(
            self.uri,
            title,
            "\n".join(self.parts),
            self.blocks,
            html="".join(self.html_parts),
            headings=self.headings,
        )
