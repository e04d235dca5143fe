"""Question pages: one question across all groups of a cohort, and one topic across cohorts."""

from __future__ import annotations

from ..metrics import question_metrics
from ..model import Answer, Cohort, Group, QuestionSpec
from ..registry import Registry
from . import urls
from .common import GROUP_INFO, PageSpec, answer_block, esc, percent, share


def cohort_questions(
    cohort: Cohort, registry: Registry
) -> list[tuple[QuestionSpec, list[tuple[Group, Answer]]]]:
    """Each question any group of the cohort answered against, in template order, with its answers.

    A cohort can mix template versions (groups reuse old repos); questions are joined by canonical id
    and ordered by the cohort's most common template.
    """
    by_id: dict[str, QuestionSpec] = {}
    answers: dict[str, list[tuple[Group, Answer]]] = {}
    counts: dict[str, int] = {}
    for group in cohort.groups:
        if group.report and group.report.template:
            counts[group.report.template] = counts.get(group.report.template, 0) + 1
    order = sorted(counts, key=lambda t: (-counts[t], t))
    for template_id in order:
        for spec in registry.templates[template_id].questions:
            by_id.setdefault(spec.id, spec)
    for group in cohort.groups:
        report = group.report
        if report is None or report.template is None:
            continue
        for answer in report.answers:
            answers.setdefault(answer.question, []).append((group, answer))
    return [(spec, answers.get(qid, [])) for qid, spec in by_id.items() if qid not in GROUP_INFO]


def _answer_entry(from_uri: str, cohort: Cohort, group: Group, answer: Answer, heading: str) -> list[str]:
    anchor = urls.group_anchor(cohort.id, group.number)
    target = urls.link(from_uri, urls.group(cohort.id, group.number), urls.question_anchor(answer.number))
    mark = {True: "within limits", False: "**outside limits**", None: "no limits"}[answer.within_limits]
    return [
        f"{heading} Group {group.number} {{#{anchor}}}\n",
        f'<span class="ca-meta">Q{answer.number} · {answer.words} words · {answer.images} images · {mark}'
        f"</span> · [group page]({target})\n",
        answer_block(group.snapshot.key, answer.number),
    ]


def _unanswered(from_uri: str, cohort: Cohort, entries: list[tuple[Group, Answer]]) -> str:
    missing = [
        f"[Group {g.number}]({urls.link(from_uri, urls.group(cohort.id, g.number), urls.question_anchor(a.number))})"
        for g, a in entries
        if not a.answered
    ]
    return ", ".join(missing) if missing else "none"


def build_question_page(
    cohort: Cohort, spec: QuestionSpec, entries: list[tuple[Group, Answer]], registry: Registry
) -> PageSpec:
    uri = urls.question(cohort.id, spec.id)
    m = question_metrics([a for _, a in entries])
    median = "–" if m.median_words is None else f"{m.median_words:g}"
    topic = registry.topics.get(spec.id)
    out = [
        f"# Q{spec.number} · {esc(spec.title)}\n",
        f"*{esc(cohort.settings.title)}* · [this topic in every cohort]({urls.link(uri, urls.topic(spec.id))})\n"
        if topic and len(topic.numbers) > 1
        else f"*{esc(cohort.settings.title)}*\n",
        "> " + esc(spec.prompt) + "\n",
        f"| Limits | Answered | Median words | Within limits |\n|---|---|---|---|\n"
        f"| {spec.limits.describe()} | {share(m.answered, m.groups)} | {median} | {percent(m.within_share)} |\n",
    ]
    for group, answer in entries:
        if answer.answered:
            out += _answer_entry(uri, cohort, group, answer, "##")
    out.append("## Unanswered {#unanswered}\n")
    out.append(_unanswered(uri, cohort, entries) + "\n")
    return PageSpec(uri, f"Q{spec.number} · {spec.title}", "\n".join(out))


def build_topic_page(
    topic_id: str,
    per_cohort: list[tuple[Cohort, QuestionSpec, list[tuple[Group, Answer]]]],
    registry: Registry,
) -> PageSpec:
    """One canonical question over every cohort, a section per cohort."""
    uri = urls.topic(topic_id)
    topic = registry.topics[topic_id]
    out = [f"# {esc(topic.title)}\n", "The same question in every cohort, even where it was renumbered.\n"]
    rows = []
    for cohort, spec, entries in per_cohort:
        m = question_metrics([a for _, a in entries])
        median = "–" if m.median_words is None else f"{m.median_words:g}"
        link = urls.link(uri, urls.question(cohort.id, spec.id))
        rows.append(
            f"| [{esc(cohort.settings.title)}]({link}) | Q{spec.number} | {share(m.answered, m.groups)} | {median} |"
        )
    out.append(
        "| Cohort | Question | Answered | Median words |\n|---|---|---|---|\n" + "\n".join(rows) + "\n"
    )
    for cohort, spec, entries in per_cohort:
        out.append(f"## {esc(cohort.settings.title)} · Q{spec.number} {{#{cohort.id}}}\n")
        out.append("> " + esc(spec.prompt) + "\n")
        for group, answer in entries:
            if answer.answered:
                out += _answer_entry(uri, cohort, group, answer, "###")
        out.append(f"**Unanswered:** {_unanswered(uri, cohort, entries)}\n")
    return PageSpec(uri, topic.title, "\n".join(out))


def build_topics_index(
    topics: list[tuple[str, list[tuple[Cohort, QuestionSpec]]]], registry: Registry
) -> PageSpec:
    uri = urls.topics()
    out = ["# Questions across cohorts\n", "Each question followed over every cohort, by topic.\n"]
    rows = []
    for topic_id, where in topics:
        numbers = ", ".join(f"{esc(c.settings.title)}: Q{s.number}" for c, s in where)
        rows.append(
            f"| [{esc(registry.topics[topic_id].title)}]({urls.link(uri, urls.topic(topic_id))}) | {numbers} |"
        )
    out.append("| Topic | Question per cohort |\n|---|---|\n" + "\n".join(rows) + "\n")
    return PageSpec(uri, "Across cohorts", "\n".join(out))
