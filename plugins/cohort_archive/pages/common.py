"""Small Markdown building blocks shared by the page builders."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ..model import Group, Problem

GROUP_INFO = frozenset({"group-number", "student-numbers"})  # shown as group information, not as answers

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~])")


def esc(text: str) -> str:
    """Text safe to drop into Markdown: HTML-escaped, Markdown specials backslash-escaped, one line."""
    text = " ".join(str(text).split())
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def answer_block(group_key: str, number: int) -> str:
    """A placeholder the plugin swaps for the answer's pre-rendered HTML after Markdown is rendered."""
    return f"\n<!--ca-answer:{group_key}:{number}-->\n"


def free_form_block(group_key: str) -> str:
    return f"\n<!--ca-freeform:{group_key}-->\n"


ANSWER_BLOCK = re.compile(r"<!--ca-(answer|freeform):([^:>]+?)(?::(\d+))?-->")


def table(header: Sequence[str], rows: Iterable[Sequence[object]], *, css: str = "") -> str:
    """A Markdown table; `css` classes go on a wrapping div (sortable tables use `ca-sortable`)."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    body = "\n".join(lines)
    if css:
        return f'<div class="{css}" markdown>\n\n{body}\n\n</div>\n'
    return body + "\n"


def share(part: int, whole: int) -> str:
    return f"{part}/{whole}" if whole else "–"


def percent(value: float | None) -> str:
    return "–" if value is None else f"{round(100 * value)} %"


def problems_admonition(problems: Sequence[Problem], *, title: str | None = None) -> str:
    if not problems:
        return ""
    kind = "danger" if any(p.severity == "error" for p in problems) else "warning"
    title = title or f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found"
    items = "\n".join(f"    - **{esc(p.where)}**: {esc(p.message)}" for p in problems)
    return f'!!! {kind} "{title}"\n\n{items}\n'


def status_label(group: Group) -> str:
    status = group.snapshot.status
    return {"ok": "ok", "unavailable": "**unavailable**", "no-report": "**no report**"}[status]


@dataclass
class PageSpec:
    """A generated page: where it goes, its title and its Markdown."""

    uri: str
    title: str
    markdown: str
    meta: dict[str, object] = field(default_factory=dict)
