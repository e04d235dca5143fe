"""What goes into the search index: one record per answered answer, built from the Archive model.

Pure functions (no MkDocs, no Pagefind): the indexer hands the records to Pagefind as custom records,
the browser tests and the UI rely on the filter names defined here. An answer's record holds its own words
only: Pagefind indexes meta values too, and a title such as "Group 12 · Q5 Code structure" made every answer
of group 12 or of Q5 a hit for "group", "12" or "structure". The UI names a hit from its filters and the
`#q<n>` anchor of its URL (search.js, `aboutOf`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..archive import Archive, Rendered
from ..model import Answer, Cohort, Group
from ..pages import urls
from ..pages.common import GROUP_INFO
from .text import html_to_text

PageUrl = Callable[[str], str | None]  # source URI -> site-relative URL (None when the page is not built)

# Filter names: also the URL parameters of the search page (`?q=…&cohort=…&question=…`).
COHORT, QUESTION, GROUP, WITHIN = "cohort", "question", "group", "within"
FILTERS = (COHORT, QUESTION, GROUP, WITHIN)
WITHIN_LABELS = {"yes": "Within limits", "no": "Outside limits"}


@dataclass(frozen=True)
class SearchRecord:
    """One searchable unit: an answer (or a free-form report) and where it lives in the site."""

    url: str  # site-root-relative with a leading "/", e.g. "/2025-january/groups/17/#q24"
    content: str  # plain text that is indexed and shown in excerpts
    meta: dict[str, str] = field(default_factory=dict)  # (searchable: empty for answers, see above)
    filters: dict[str, list[str]] = field(default_factory=dict)


def group_value(cohort_id: str, number: int) -> str:
    """The `group` filter value: unique across cohorts."""
    return f"{cohort_id}/{number}"


def _within(answer: Answer) -> list[str]:
    if answer.within_limits is None:
        return []
    return ["yes" if answer.within_limits else "no"]


def _group_records(
    cohort: Cohort, group: Group, archive: Archive, page_url: PageUrl, to_text: Callable[[str], str]
) -> list[SearchRecord]:
    report = group.report
    rendered = archive.rendered.get(group.snapshot.key, Rendered())
    if report is None:
        return []
    url = page_url(urls.group(cohort.id, group.number))
    if url is None:
        return []
    filters = {COHORT: [cohort.id], GROUP: [group_value(cohort.id, group.number)]}
    template = archive.registry.templates.get(report.template) if report.template else None
    if template is None:
        text = to_text(rendered.free_form or "")
        if not text:
            return []
        return [SearchRecord(f"/{url}", text, {}, dict(filters))]
    out = []
    for answer in sorted(report.answers, key=lambda a: a.number):
        if not answer.answered or answer.question in GROUP_INFO:
            continue
        text = to_text(rendered.answers.get(answer.number, ""))
        if not text:
            continue
        record_filters = {**filters, QUESTION: [answer.question]}
        if within := _within(answer):
            record_filters[WITHIN] = within
        anchor = urls.question_anchor(answer.number)
        out.append(SearchRecord(f"/{url}#{anchor}", text, {}, record_filters))
    return out


def answer_records(
    archive: Archive, page_url: PageUrl, *, to_text: Callable[[str], str] = html_to_text
) -> list[SearchRecord]:
    """Every answered answer of every group, newest cohort first, then by group and question number.

    Group information (Q1 group number, Q2 study numbers) is not indexed; unanswered answers and groups
    without a built page are skipped. A free-form report becomes one record for the whole report.
    `to_text` makes the content from the answer's HTML (`str`: the HTML as it is, for a later `html_to_text`).
    """
    out: list[SearchRecord] = []
    for cohort in sorted(archive.cohorts, key=lambda c: c.id, reverse=True):
        for group in sorted(cohort.groups, key=lambda g: g.number):
            out += _group_records(cohort, group, archive, page_url, to_text)
    return out


def facet_labels(archive: Archive) -> dict[str, object]:
    """Display names and order of the facet values, for the UI (`facets.json` beside the index)."""
    cohorts = sorted(archive.cohorts, key=lambda c: c.id, reverse=True)
    used: dict[str, str] = {}
    for cohort in cohorts:
        for group in cohort.groups:
            report = group.report
            template = archive.registry.templates.get(report.template) if report and report.template else None
            if report is None or template is None:
                continue
            for answer in report.answers:
                spec = template.question(answer.number)
                if answer.question not in GROUP_INFO and answer.question not in used:
                    used[answer.question] = spec.title if spec else answer.question
    topics = archive.registry.topics
    order = {qid: i for i, qid in enumerate(topics)}
    questions = sorted(used, key=lambda q: (order.get(q, len(order)), q))
    return {
        COHORT: {c.id: c.settings.title for c in cohorts},
        QUESTION: {q: (topics[q].title if q in topics else used[q]) for q in questions},
        WITHIN: dict(WITHIN_LABELS),
    }
