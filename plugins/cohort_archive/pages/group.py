"""The group page: one group's normalised report."""

from __future__ import annotations

from urllib.parse import quote

from ..metrics import group_metrics
from ..model import Answer, Cohort, Group, counted
from ..registry import Registry
from ..roster import web_url
from . import urls
from .common import (
    GROUP_INFO,
    PageSpec,
    PageWriter,
    admonition,
    checklist_label,
    commit_day,
    h,
    page_link,
    percent,
    problems_admonition,
    share,
)


def group_title(group: Group) -> str:
    return f"Group {group.number}"


def repo_links(group: Group, *, short: bool = False) -> tuple[str, str]:
    """HTML links to the repository at the used commit and to the report's source."""
    snap = group.snapshot
    web = web_url(snap.entry.repo_url)
    if not web:
        return h(snap.entry.repo_url), "–"
    ref = snap.commit or snap.branch or "HEAD"
    name = web.removeprefix("https://github.com/")
    if short:
        name = name.rsplit("/", 1)[-1]
    return (
        f'<a href="{h(web)}/tree/{h(ref)}">{h(name)}</a>',
        f'<a href="{h(web)}/blob/{h(ref)}/{quote(snap.report_path)}">{h(snap.report_path)}</a>',
    )


def limits_mark(answer: Answer) -> str:
    return {True: "within limits", False: "<strong>outside limits</strong>", None: "no limits"}[
        answer.within_limits
    ]


def answer_meta(answer: Answer, limits: str) -> str:
    if not answer.answered:
        return '<span class="ca-meta ca-unanswered">not answered</span>'
    counts = f"{counted(answer.words, 'word')} · {counted(answer.images, 'image')}"
    return f'<span class="ca-meta">{counts} · {h(limits)} · {limits_mark(answer)}</span>'


def build_group_page(cohort: Cohort, group: Group, registry: Registry) -> PageSpec:
    uri = urls.group(cohort.id, group.number)
    page = PageWriter(uri)
    snap, report = group.snapshot, group.report
    m = group_metrics(group)
    repo, source = repo_links(group)
    page.heading(1, f"{group_title(group)} · {cohort.settings.title}")
    answers = report.answers if report is not None else []
    links = {f"Q{a.number}": f"#{urls.question_anchor(a.number)}" for a in answers}
    page.html(problems_admonition(group.problems, links=links))
    date = commit_day(snap.commit_date, cohort.settings.deadline)
    facts = [
        ("Repository", repo),
        ("Commit", f"<code>{h(snap.commit[:10])}</code> ({date})" if snap.commit else "–"),
        ("Status", {"ok": "ok", "unavailable": "unavailable", "no-report": "no report"}[snap.status]),
    ]
    if report is not None:
        checklist = (
            f"{share(m.checklist_checked, m.checklist_items)} ticked ({percent(m.checklist_share)})"
            if report.checklist_present
            else "removed"
            if report.template
            else "not read (the report follows no template)"
        )
        facts += [
            ("Report", source),
            ("Template", h(report.template or "none matched (free-form report)")),
            ("Answered", f"{share(m.answered, m.questions)} · within limits {share(m.within, m.limited)}"),
            (
                "Figures",
                f"{m.figures_resolved} resolved · {m.figures_missing} missing · {m.figures_external} external",
            ),
            ("Checklist", checklist),
        ]
    page.html(
        '<ul class="ca-facts">' + "".join(f"<li><strong>{k}</strong>: {v}</li>" for k, v in facts) + "</ul>"
    )
    if snap.status == "unavailable":
        page.html(
            admonition(
                "failure",
                "Repository unavailable",
                "No commit of the repository could be shown; the problems above say why. The rest of the archive is unaffected.",
            )
        )
    elif snap.status == "no-report":
        page.html(
            admonition(
                "failure",
                "No report",
                f"The repository has no <code>{h(snap.report_path)}</code> at the used commit.",
            )
        )
    if report is None:
        return page.page(group_title(group))

    template = registry.templates.get(report.template) if report.template else None
    info_section = template.questions[0].section if template and template.questions else "Group information"
    page.html('<a id="q1"></a><a id="q2"></a>')  # before the heading: a link to them shows it
    page.heading(2, info_section)
    page.html(
        "<ul>"
        f"<li>Group number as written: {h(report.group_number_text) or '–'}</li>"
        f"<li>Study numbers: {h(', '.join(report.students)) or '–'}</li></ul>"
    )
    if template is None:
        page.heading(2, "Report")
        page.free_form(snap.key)
    else:
        section = info_section
        for spec in template.questions:
            answer = report.answer(spec.number)
            if answer is None or spec.id in GROUP_INFO:
                continue
            if spec.section != section:
                section = spec.section
                page.heading(2, section)
            page.html(f'<a id="{spec.id}"></a>')  # the topic's anchor, at the heading (not below it)
            page.heading(3, f"Q{spec.number} · {spec.title}", urls.question_anchor(spec.number))
            target = urls.group_anchor(cohort.id, group.number) if answer.answered else "unanswered"
            others = page_link(urls.question(cohort.id, spec.id), "every group's answer", target)
            page.html(
                f"<p>{answer_meta(answer, spec.limits.describe())} · {others}"
                + "".join(
                    f'<br><span class="ca-meta ca-note">{h(p.message)}</span>'
                    for p in (answer.problems if answer.answered else [])
                )
                + "</p>"
            )
            if answer.answered:
                page.answer(snap.key, spec.number)
            else:
                page.html("<p><em>Not answered.</em></p>")
    if report.checklist_present:
        page.heading(2, "Checklist")
        items = []
        for item in report.checklist:
            box = "checked " if item.checked else ""
            items.append(
                f'<li class="task-list-item"><label class="task-list-control">'
                f'<input type="checkbox" disabled {box}/><span class="task-list-indicator"></span></label> '
                f"{checklist_label(item.text, item.modules)}</li>"
            )
        page.html('<ul class="task-list">' + "".join(items) + "</ul>")
    return page.page(group_title(group))
