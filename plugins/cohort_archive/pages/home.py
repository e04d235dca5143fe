"""The home page's cohort table, and the generated home page when `docs/` has none."""

from __future__ import annotations

from ..metrics import group_metrics
from ..model import Cohort
from . import urls
from .cohort import cohort_templates
from .common import PageSpec, esc, percent

MARKER = "<!-- cohort-archive:cohorts -->"


def cohorts_table(cohorts: list[Cohort], from_uri: str = "index.md") -> str:
    rows = []
    for c in cohorts:
        ms = [group_metrics(g) for g in c.groups]
        answered = sum(m.answered for m in ms)
        questions = sum(m.questions for m in ms)
        within = sum(m.within for m in ms)
        limited = sum(m.limited for m in ms)
        ok = sum(g.snapshot.status == "ok" for g in c.groups)
        templates = ", ".join(t for t, _ in cohort_templates(c).most_common()) or "–"
        deadline = c.settings.deadline.date().isoformat() if c.settings.deadline else "–"
        rows.append(
            f"| [{esc(c.settings.title)}]({urls.link(from_uri, urls.cohort(c.id))}) | {len(c.groups)} | {ok} | "
            f"{esc(templates)} | {deadline} | {percent(answered / questions if questions else None)} | "
            f"{percent(within / limited if limited else None)} |"
        )
    header = (
        "| Cohort | Groups | With report | Template | Deadline | Answered | Within limits |\n"
        + "|---" * 7
        + "|\n"
    )
    return header + "\n".join(rows) + "\n"


def build_home(cohorts: list[Cohort], site_name: str) -> PageSpec:
    text = f"# {esc(site_name)}\n\nEvery group report of every cohort, side by side.\n\n{MARKER}\n"
    return PageSpec("index.md", "Home", text)


def fill_home(markdown: str, cohorts: list[Cohort], from_uri: str) -> str:
    return markdown.replace(MARKER, cohorts_table(cohorts, from_uri))
