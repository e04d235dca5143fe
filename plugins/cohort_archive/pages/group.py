"""The group page: one group's normalised report."""

from __future__ import annotations

from ..metrics import group_metrics
from ..model import Answer, Cohort, Group
from ..registry import Registry
from ..roster import web_url
from . import urls
from .common import (
    GROUP_INFO,
    PageSpec,
    answer_block,
    esc,
    free_form_block,
    percent,
    problems_admonition,
    share,
)

REPORT_PATH = "reports/README.md"


def group_title(group: Group) -> str:
    return f"Group {group.number}"


def repo_links(group: Group, *, short: bool = False) -> tuple[str, str]:
    """Markdown for the repository at the used commit and for the report's source."""
    snap = group.snapshot
    web = web_url(snap.entry.repo_url)
    if not web:
        return esc(snap.entry.repo_url), "–"
    ref = snap.commit or snap.branch or "HEAD"
    name = web.removeprefix("https://github.com/")
    if short:
        name = name.rsplit("/", 1)[-1]
    return f"[{esc(name)}]({web}/tree/{ref})", f"[{REPORT_PATH}]({web}/blob/{ref}/{REPORT_PATH})"


def answer_meta(answer: Answer, limits: str) -> str:
    if not answer.answered:
        return '<span class="ca-meta ca-unanswered">not answered</span>'
    mark = {True: "within limits", False: "**outside limits**", None: "no limits"}[answer.within_limits]
    return (
        f'<span class="ca-meta">{answer.words} words · {answer.images} image'
        f"{'s' if answer.images != 1 else ''} · {limits} · {mark}</span>"
    )


def build_group_page(cohort: Cohort, group: Group, registry: Registry) -> PageSpec:
    uri = urls.group(cohort.id, group.number)
    snap, report = group.snapshot, group.report
    m = group_metrics(group)
    repo, source = repo_links(group)
    out = [f"# {group_title(group)} · {esc(cohort.settings.title)}\n"]
    out.append(problems_admonition(group.problems))
    date = snap.commit_date.date().isoformat() if snap.commit_date else "–"
    rows = [
        ("Repository", repo),
        ("Commit", f"`{snap.commit[:10]}` ({date})" if snap.commit else "–"),
        ("Status", {"ok": "ok", "unavailable": "unavailable", "no-report": "no report"}[snap.status]),
    ]
    if report is not None:
        template = report.template or "none matched (free-form report)"
        rows += [
            ("Report", source),
            ("Template", esc(template)),
            ("Answered", f"{share(m.answered, m.questions)} · within limits {share(m.within, m.limited)}"),
            (
                "Figures",
                f"{m.figures_resolved} resolved · {m.figures_missing} missing · "
                f"{m.figures_external} external",
            ),
            (
                "Checklist",
                f"{share(m.checklist_checked, m.checklist_items)} ticked ({percent(m.checklist_share)})"
                if report.checklist_present
                else "removed",
            ),
        ]
    out.append('<div class="ca-facts" markdown>\n')
    out += [f"- **{k}**: {v}" for k, v in rows]
    out.append("\n</div>\n")
    if snap.status == "unavailable":
        out.append(
            '!!! failure "Repository unavailable"\n\n    The repository could not be fetched; see the '
            "problems above. The rest of the archive is unaffected.\n"
        )
    elif snap.status == "no-report":
        out.append(
            f'!!! failure "No report"\n\n    The repository has no `{REPORT_PATH}` at the used commit.\n'
        )
    if report is None:
        return PageSpec(uri, group_title(group), "\n".join(out))

    template = registry.templates.get(report.template) if report.template else None
    info_section = template.questions[0].section if template and template.questions else "Group information"
    out.append(f"## {esc(info_section)}\n")
    out.append('<a id="q1"></a><a id="q2"></a>\n')
    out.append(f"- Group number as written: {esc(report.group_number_text) or '–'}")
    out.append(f"- Study numbers: {esc(', '.join(report.students)) or '–'}\n")

    if template is None:
        out.append("## Report\n")
        out.append(free_form_block(snap.key))
    else:
        section = info_section
        for spec in template.questions:
            answer = report.answer(spec.number)
            if answer is None or spec.id in GROUP_INFO:
                continue
            if spec.section != section:
                section = spec.section
                out.append(f"## {esc(section)}\n")
            anchor = urls.question_anchor(spec.number)
            target = urls.group_anchor(cohort.id, group.number) if answer.answered else "unanswered"
            others = urls.link(uri, urls.question(cohort.id, spec.id), target)
            out.append(f"### Q{spec.number} · {esc(spec.title)} {{#{anchor}}}\n")
            out.append(f'<a id="{spec.id}"></a>')
            out.append(f"{answer_meta(answer, spec.limits.describe())} · [every group's answer]({others})\n")
            if answer.answered:
                out.append(answer_block(snap.key, spec.number))
            else:
                out.append("*Not answered.*\n")
    if report.checklist_present:
        out.append("## Checklist\n")
        for item in report.checklist:
            box = "x" if item.checked else " "
            tags = f" ({', '.join(item.modules)})" if item.modules else ""
            out.append(f"- [{box}] {esc(item.text)}{tags}")
        out.append("")
    return PageSpec(uri, group_title(group), "\n".join(out))
