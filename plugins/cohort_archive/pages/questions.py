"""Question pages: one question across all groups of a cohort, and one topic across cohorts."""

from __future__ import annotations

from ..metrics import question_metrics
from ..model import Answer, Cohort, Group, QuestionSpec, counted
from ..registry import Registry
from . import urls
from .common import GROUP_INFO, PageSpec, PageWriter, h, html_table, page_link, percent, share
from .group import limits_mark

Entries = list[tuple[Group, Answer]]


def cohort_questions(cohort: Cohort, registry: Registry) -> list[tuple[QuestionSpec, Entries]]:
    """Each question any group of the cohort answered against, in template order, with its answers.

    A cohort can mix template versions (groups reuse old repos); questions are joined by canonical id
    and ordered by the cohort's most common template.
    """
    by_id: dict[str, QuestionSpec] = {}
    answers: dict[str, Entries] = {}
    counts: dict[str, int] = {}
    for group in cohort.groups:
        if group.report and group.report.template:
            counts[group.report.template] = counts.get(group.report.template, 0) + 1
    for template_id in sorted(counts, key=lambda t: (-counts[t], t)):
        for spec in registry.templates[template_id].questions:
            by_id.setdefault(spec.id, spec)
    for group in cohort.groups:
        report = group.report
        if report is None or report.template is None:
            continue
        for answer in report.answers:
            answers.setdefault(answer.question, []).append((group, answer))
    return [(spec, answers.get(qid, [])) for qid, spec in by_id.items() if qid not in GROUP_INFO]


def _answer_entry(page: PageWriter, cohort: Cohort, group: Group, answer: Answer, level: int) -> None:
    page.heading(level, f"Group {group.number}", urls.group_anchor(cohort.id, group.number))
    target = page_link(urls.group(cohort.id, group.number), "group page", urls.question_anchor(answer.number))
    page.html(
        f'<p><span class="ca-meta">Q{answer.number} · {counted(answer.words, "word")} · '
        f"{counted(answer.images, 'image')} · "
        f"{limits_mark(answer)}</span> · {target}</p>"
    )
    page.answer(group.snapshot.key, answer.number)


def _unanswered(cohort: Cohort, entries: Entries) -> str:
    missing = [
        page_link(urls.group(cohort.id, g.number), f"Group {g.number}", urls.question_anchor(a.number))
        for g, a in entries
        if not a.answered
    ]
    return ", ".join(missing) if missing else "none"


def _outside(cohort: Cohort, entries: Entries) -> str:
    """A line saying which groups the numbers leave out, when they leave some out."""
    outside = len(cohort.groups) - len(entries)
    if outside <= 0:
        return ""
    overview = page_link(urls.cohort(cohort.id), "cohort overview")
    return (
        f'<p class="ca-meta">Counted over the {len(entries)} groups whose report has this question; '
        f"the other {outside} (a free-form report or none, or another template) are on the {overview}.</p>"
    )


def _stats_table(spec: QuestionSpec, entries: Entries) -> str:
    m = question_metrics([a for _, a in entries])
    median = "–" if m.median_words is None else f"{m.median_words:g}"
    return html_table(
        ["Limits", "Answered", "Median words", "Within limits"],
        [[h(spec.limits.describe()), share(m.answered, m.groups), median, percent(m.within_share)]],
    )


def build_question_page(cohort: Cohort, spec: QuestionSpec, entries: Entries, registry: Registry) -> PageSpec:
    page = PageWriter(urls.question(cohort.id, spec.id))
    topic = registry.topics.get(spec.id)
    page.heading(1, f"Q{spec.number} · {spec.title}")
    across = ""
    if topic and len(topic.numbers) > 1:
        across = " · " + page_link(urls.topic(spec.id), "this topic in every cohort")
    page.html(
        f"<p><em>{h(cohort.settings.title)}</em>{across}</p><blockquote><p>{h(spec.prompt)}</p></blockquote>"
        + _stats_table(spec, entries)
        + _outside(cohort, entries)
    )
    for group, answer in entries:
        if answer.answered:
            _answer_entry(page, cohort, group, answer, 2)
    page.heading(2, "Unanswered", "unanswered")
    page.html(f"<p>{_unanswered(cohort, entries)}</p>")
    return page.page(f"Q{spec.number} · {spec.title}")


def build_topic_page(
    topic_id: str, per_cohort: list[tuple[Cohort, QuestionSpec, Entries]], registry: Registry
) -> PageSpec:
    """One canonical question over every cohort, a section per cohort."""
    page = PageWriter(urls.topic(topic_id))
    topic = registry.topics[topic_id]
    page.heading(1, topic.title)
    rows = []
    for cohort, spec, entries in per_cohort:
        m = question_metrics([a for _, a in entries])
        median = "–" if m.median_words is None else f"{m.median_words:g}"
        link = page_link(urls.question(cohort.id, spec.id), cohort.settings.title)
        rows.append([link, f"Q{spec.number}", share(m.answered, m.groups), median])
    page.html(
        "<p>The same question in every cohort, even where it was renumbered.</p>"
        + html_table(["Cohort", "Question", "Answered", "Median words"], rows)
    )
    for cohort, spec, entries in per_cohort:
        page.heading(2, f"{cohort.settings.title} · Q{spec.number}", cohort.id)
        page.html(f"<blockquote><p>{h(spec.prompt)}</p></blockquote>")
        for group, answer in entries:
            if answer.answered:
                _answer_entry(page, cohort, group, answer, 3)
        page.html(f"<p><strong>Unanswered:</strong> {_unanswered(cohort, entries)}</p>")
    return page.page(topic.title)


def build_topics_index(
    topics: list[tuple[str, list[tuple[Cohort, QuestionSpec]]]], registry: Registry
) -> PageSpec:
    page = PageWriter(urls.topics())
    page.heading(1, "Questions across cohorts")
    rows = []
    for topic_id, where in topics:
        numbers = ", ".join(f"{h(c.settings.title)}: Q{s.number}" for c, s in where)
        rows.append([page_link(urls.topic(topic_id), registry.topics[topic_id].title), numbers])
    page.html(
        "<p>Each question followed over every cohort, by topic.</p>"
        + html_table(["Topic", "Question per cohort"], rows, sortable=True)
    )
    return page.page("Across cohorts")
