"""The home page's cohort table, and the generated home page when `docs/` has none."""

from __future__ import annotations

from ..metrics import group_metrics
from ..model import Cohort
from . import urls
from .cohort import cohort_templates
from .common import PageSpec, h, html_table, page_link, percent

MARKER = "<!-- cohort-archive:cohorts -->"


def cohorts_table(cohorts: list[Cohort]) -> str:
    rows = []
    for c in sorted(cohorts, key=lambda c: c.id, reverse=True):
        ms = [group_metrics(g) for g in c.groups]
        answered, questions = sum(m.answered for m in ms), sum(m.questions for m in ms)
        within, limited = sum(m.within for m in ms), sum(m.limited for m in ms)
        ok = sum(g.snapshot.status == "ok" for g in c.groups)
        templates = ", ".join(t for t, _ in cohort_templates(c).most_common()) or "–"
        deadline = c.settings.deadline.date().isoformat() if c.settings.deadline else "–"
        rows.append([
            page_link(urls.cohort(c.id), c.settings.title), len(c.groups), ok, h(templates), deadline,
            percent(answered / questions if questions else None), percent(within / limited if limited else None),
        ])  # fmt: skip
    header = ["Cohort", "Groups", "With report", "Template", "Deadline", "Answered", "Within limits"]
    return html_table(header, rows)


def build_home(cohorts: list[Cohort], site_name: str) -> PageSpec:
    text = f"# {h(site_name)}\n\nEvery group report of every cohort, side by side.\n\n{MARKER}\n"
    return PageSpec("index.md", "Home", text)


def fill_home(markdown: str, cohorts: list[Cohort]) -> str:
    """Swap the marker for the cohort table (raw HTML in Markdown, on its own lines)."""
    return markdown.replace(MARKER, "\n" + cohorts_table(cohorts) + "\n")
