"""Cohort pages: the overview table, the checklist heatmap and the compliance list."""

from __future__ import annotations

import html
from collections import Counter

from ..metrics import group_metrics
from ..model import Cohort
from ..registry import Registry
from . import urls
from .common import PageSpec, esc, percent, share, status_label
from .group import repo_links


def cohort_templates(cohort: Cohort) -> Counter[str]:
    return Counter(g.report.template or "free-form" for g in cohort.groups if g.report)


def build_overview(cohort: Cohort) -> PageSpec:
    uri = urls.cohort(cohort.id)
    s = cohort.settings
    templates = ", ".join(f"{t} ({n})" for t, n in cohort_templates(cohort).most_common()) or "–"
    out = [f"# {esc(s.title)}\n"]
    facts = [f"**{len(cohort.groups)}** groups", f"templates: {esc(templates)}"]
    if s.deadline:
        facts.append(f"hand-in deadline: {s.deadline.isoformat(sep=' ', timespec='minutes')}")
    out.append(" · ".join(facts) + "\n")
    links = [
        f"[Questions]({urls.link(uri, urls.question(cohort.id, 'index'))})",
        f"[Checklist]({urls.link(uri, urls.checklist(cohort.id))})",
        f"[Compliance]({urls.link(uri, urls.compliance(cohort.id))})",
    ]
    out.append(" · ".join(links) + "\n")
    if cohort.problems:
        out.append(f'!!! warning "Roster: {len(cohort.problems)} rows skipped"\n')
        out += [f"    - {esc(str(p))}" for p in cohort.problems]
        out.append("")
    header = [
        "Group",
        "Repository",
        "Commit date",
        "Answered",
        "Within limits",
        "Figures",
        "Missing",
        "Checklist",
        "Problems",
        "Status",
    ]
    rows = []
    for group in cohort.groups:
        m = group_metrics(group)
        repo, _ = repo_links(group, short=True)
        date = group.snapshot.commit_date.date().isoformat() if group.snapshot.commit_date else "–"
        checklist = (
            percent(m.checklist_share) if group.report and group.report.checklist_present else "removed"
        )
        link = urls.link(uri, urls.group(cohort.id, group.number))
        rows.append(
            [
                f"[{group.number}]({link})",
                repo,
                date,
                share(m.answered, m.questions),
                share(m.within, m.limited),
                m.figures_resolved,
                m.figures_missing,
                checklist if group.report else "–",
                m.problems,
                status_label(group),
            ]
        )
    out.append('<div class="ca-sortable" markdown>\n')
    out.append("| " + " | ".join(header) + " |\n|" + "|".join("---" for _ in header) + "|")
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    out.append("\n</div>\n")
    return PageSpec(uri, "Overview", "\n".join(out))


def build_questions_index(cohort: Cohort, questions: list) -> PageSpec:
    uri = urls.question(cohort.id, "index")
    out = [f"# Questions · {esc(cohort.settings.title)}\n"]
    rows = []
    for spec, entries in questions:
        answered = sum(a.answered for _, a in entries)
        within = sum(bool(a.within_limits) for _, a in entries if a.answered)
        link = urls.link(uri, urls.question(cohort.id, spec.id))
        rows.append(
            f"| Q{spec.number} | [{esc(spec.title)}]({link}) | {share(answered, len(entries))} | "
            f"{share(within, answered) if spec.limits.describe() != 'no limits' else '–'} |"
        )
    out.append("| # | Question | Answered | Within limits |\n|---|---|---|---|\n" + "\n".join(rows) + "\n")
    return PageSpec(uri, "Questions", "\n".join(out))


def build_checklist(cohort: Cohort, registry: Registry) -> PageSpec:
    """Module adoption as bars and a groups × items heatmap: CSS only, no charting library."""
    uri = urls.checklist(cohort.id)
    out = [f"# Checklist · {esc(cohort.settings.title)}\n"]
    reports = [g for g in cohort.groups if g.report and g.report.checklist_present]
    out.append(f"{len(reports)} of {len(cohort.groups)} groups kept the checklist in their report.\n")
    if not reports:
        return PageSpec(uri, "Checklist", "\n".join(out))
    # items in first-seen order, by canonical id (unmatched items by their text)
    items: dict[str, str] = {}
    modules: dict[str, tuple[str, ...]] = {}
    for g in reports:
        for c in g.report.checklist:
            key = c.item or c.text
            items.setdefault(key, c.text)
            modules.setdefault(key, c.modules)
    ticked = {g.snapshot.key: {(c.item or c.text) for c in g.report.checklist if c.checked} for g in reports}
    # module adoption: a group adopts a module when it ticks any item tagged with it
    by_module: dict[str, set[str]] = {}
    for key, mods in modules.items():
        for mod in mods:
            by_module.setdefault(mod, set()).add(key)
    out.append("## Module adoption\n")
    out.append('<div class="ca-bars">')
    for mod in sorted(by_module, key=lambda m: int(m[1:]) if m[1:].isdigit() else 999):
        n = sum(1 for g in reports if ticked[g.snapshot.key] & by_module[mod])
        pct = round(100 * n / len(reports))
        out.append(
            f'<div class="ca-bar"><span class="ca-bar-label">{mod}</span>'
            f'<span class="ca-bar-track"><span class="ca-bar-fill" style="width:{pct}%"></span></span>'
            f'<span class="ca-bar-value">{pct} % ({n})</span></div>'
        )
    out.append("</div>\n")
    out.append("## Items\n")
    out.append(
        '<div class="ca-heatmap-wrap"><table class="ca-heatmap"><thead><tr><th>Item</th><th>Share</th>'
    )
    for g in reports:
        href = "@@PAGE@@" + urls.group(cohort.id, g.number)
        out.append(f'<th><a href="{href}">{g.number}</a></th>')
    out.append("</tr></thead><tbody>")
    for key, text in items.items():
        n = sum(1 for g in reports if key in ticked[g.snapshot.key])
        tags = f" ({', '.join(modules[key])})" if modules[key] else ""
        out.append(f"<tr><th>{esc_html(text)}{tags}</th><td>{round(100 * n / len(reports))} %</td>")
        out += [
            '<td class="ca-on"></td>' if key in ticked[g.snapshot.key] else '<td class="ca-off"></td>'
            for g in reports
        ]
        out.append("</tr>")
    out.append("</tbody></table></div>\n")
    return PageSpec(uri, "Checklist", "\n".join(out))


def esc_html(text: str) -> str:
    return html.escape(" ".join(text.split()))


def build_compliance(cohort: Cohort, registry: Registry) -> PageSpec:
    """The grading aid: what is outside the course's rules, per group, linking to the exact answer."""
    uri = urls.compliance(cohort.id)
    out = [
        f"# Compliance · {esc(cohort.settings.title)}\n",
        "Answers outside the word/image limits that year's `report.py` checks, unanswered questions, "
        "missing figures and template mismatches, per group.\n",
    ]
    rows = []
    for group in cohort.groups:
        link = urls.link(uri, urls.group(cohort.id, group.number))
        report = group.report
        if report is None:
            rows.append(f"| [{group.number}]({link}) | {status_label(group)} | | | | |")
            continue

        def q(n: int, target: str = urls.group(cohort.id, group.number)) -> str:
            return f"[Q{n}]({urls.link(uri, target, urls.question_anchor(n))})"

        outside = [
            f"{q(a.number)} ({a.words} w, {a.images} img)"
            for a in report.answers
            if a.answered and a.within_limits is False
        ]
        unanswered = [q(a.number) for a in report.answers if not a.answered]
        missing = [
            f"<code>{html.escape(f.ref)}</code>" for f in report.figures if f.status in ("missing", "unsafe")
        ]
        expected = _expected_template(cohort, registry)
        mismatch = ""
        if report.template is None:
            mismatch = "free-form"
        elif expected and report.template != expected:
            mismatch = esc(report.template)
        if outside or unanswered or missing or mismatch:
            rows.append(
                f"| [{group.number}]({link}) | {', '.join(outside) or '–'} | "
                f"{', '.join(unanswered) or '–'} | {', '.join(missing) or '–'} | {mismatch or '–'} | "
                f"{len(group.problems)} |"
            )
    out.append(f"{len(rows)} of {len(cohort.groups)} groups have something to look at.\n")
    out.append('<div class="ca-sortable" markdown>\n')
    out.append(
        "| Group | Outside limits | Unanswered | Missing figures | Template | Problems |\n"
        "|---|---|---|---|---|---|"
    )
    out += rows
    out.append("\n</div>\n")
    return PageSpec(uri, "Compliance", "\n".join(out))


def _expected_template(cohort: Cohort, registry: Registry) -> str | None:
    if cohort.id in registry.templates:
        return cohort.id
    counts = cohort_templates(cohort)
    counts.pop("free-form", None)
    return counts.most_common(1)[0][0] if counts else None
