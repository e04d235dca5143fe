"""Cohort pages: the overview table, the questions index, the checklist heatmap and the compliance list."""

from __future__ import annotations

from collections import Counter

from ..metrics import group_metrics
from ..model import Cohort
from ..registry import Registry
from . import urls
from .common import (
    PageSpec,
    PageWriter,
    checklist_label,
    commit_day,
    h,
    html_table,
    page_link,
    percent,
    share,
    status_label,
)
from .group import repo_links


def cohort_templates(cohort: Cohort) -> Counter[str]:
    return Counter(g.report.template or "free-form" for g in cohort.groups if g.report)


def build_overview(cohort: Cohort) -> PageSpec:
    page = PageWriter(urls.cohort(cohort.id))
    s = cohort.settings
    templates = ", ".join(f"{t} ({n})" for t, n in cohort_templates(cohort).most_common()) or "–"
    page.heading(1, s.title)
    facts = [f"<strong>{len(cohort.groups)}</strong> groups", f"templates: {h(templates)}"]
    if s.deadline:
        facts.append(f"hand-in deadline: {h(s.deadline.isoformat(sep=' ', timespec='minutes'))}")
    links = [
        page_link(urls.question(cohort.id, "index"), "Questions"),
        page_link(urls.checklist(cohort.id), "Checklist"),
        page_link(urls.compliance(cohort.id), "Compliance"),
    ]
    intro = f"<p>{' · '.join(facts)}</p><p>{' · '.join(links)}</p>"
    if cohort.problems:
        items = "".join(f"<li>{h(str(p))}</li>" for p in cohort.problems)
        skipped = sum("row skipped" in p.message for p in cohort.problems)
        title = f"{skipped} rows skipped" if skipped else "notes"
        if skipped and skipped < len(cohort.problems):
            title += f", {len(cohort.problems) - skipped} notes"
        kind = "warning" if skipped or any(p.severity != "info" for p in cohort.problems) else "note"
        intro += (
            f'<div class="admonition {kind}"><p class="admonition-title">Roster: {title}</p>'
            f"<ul>{items}</ul></div>"
        )
    header = ["Group", "Repository", "Commit date", "Answered", "Within limits", "Figures", "Missing",
              "Checklist", "Problems", "Status"]  # fmt: skip
    rows = []
    for group in cohort.groups:
        m = group_metrics(group)
        repo, _ = repo_links(group, short=True)
        date = commit_day(group.snapshot.commit_date, cohort.settings.deadline)
        if group.report is None:
            checklist = "–"
        else:
            checklist = percent(m.checklist_share) if group.report.checklist_present else "removed"
        rows.append([
            page_link(urls.group(cohort.id, group.number), str(group.number)), repo, date,
            share(m.answered, m.questions), share(m.within, m.limited), m.figures_resolved, m.figures_missing,
            checklist, m.problems, status_label(group),
        ])  # fmt: skip
    page.html(intro + html_table(header, rows, sortable=True))
    return page.page("Overview")


def build_questions_index(cohort: Cohort, questions: list) -> PageSpec:
    page = PageWriter(urls.question(cohort.id, "index"))
    page.heading(1, f"Questions · {cohort.settings.title}")
    rows = []
    for spec, entries in questions:
        answered = sum(a.answered for _, a in entries)
        within = sum(bool(a.within_limits) for _, a in entries if a.answered)
        limited = spec.limits.describe() != "no limits"
        rows.append([
            f"Q{spec.number}", page_link(urls.question(cohort.id, spec.id), spec.title),
            share(answered, len(entries)), share(within, answered) if limited else "–",
        ])  # fmt: skip
    page.html(html_table(["#", "Question", "Answered", "Within limits"], rows, sortable=True))
    return page.page("Questions")


def build_checklist(cohort: Cohort, registry: Registry) -> PageSpec:
    """Module adoption as bars and a groups × items heatmap: CSS only, no charting library."""
    page = PageWriter(urls.checklist(cohort.id))
    page.heading(1, f"Checklist · {cohort.settings.title}")
    reports = [g for g in cohort.groups if g.report and g.report.checklist_present]
    page.html(f"<p>{len(reports)} of {len(cohort.groups)} groups kept the checklist in their report.</p>")
    if not reports:
        return page.page("Checklist")
    # items in first-seen order, by canonical id (unmatched items by their text)
    items: dict[str, str] = {}
    modules: dict[str, tuple[str, ...]] = {}
    for g in reports:
        for c in g.report.checklist:
            key = c.item or c.text
            items.setdefault(key, c.text)
            modules.setdefault(key, c.modules)
    ticked = {g.snapshot.key: {(c.item or c.text) for c in g.report.checklist if c.checked} for g in reports}
    # a group adopts a module when it ticks any item tagged with it
    by_module: dict[str, set[str]] = {}
    for key, mods in modules.items():
        for mod in mods:
            by_module.setdefault(mod, set()).add(key)
    page.heading(2, "Module adoption", "module-adoption")
    if not by_module:  # the 2023/2024 checklists tag no module
        page.html("<p>This checklist names no course modules; the items below show what groups did.</p>")
    bars = []
    for mod in sorted(by_module, key=lambda m: int(m[1:]) if m[1:].isdigit() else 999):
        n = sum(1 for g in reports if ticked[g.snapshot.key] & by_module[mod])
        pct = round(100 * n / len(reports))
        what = "; ".join(text for key, text in items.items() if key in by_module[mod])  # named by its items
        bars.append(
            f'<div class="ca-bar"><span class="ca-bar-label" title="{h(what)}">{h(mod)}</span>'
            f'<span class="ca-bar-track"><span class="ca-bar-fill" style="width:{pct}%"></span></span>'
            f'<span class="ca-bar-value">{pct} % ({n})</span></div>'
        )
    if bars:
        page.html('<div class="ca-bars">' + "".join(bars) + "</div>")
    page.heading(2, "Items", "items")
    head = "".join(f"<th>{page_link(urls.group(cohort.id, g.number), str(g.number))}</th>" for g in reports)
    rows = []
    for key, text in items.items():
        n = sum(1 for g in reports if key in ticked[g.snapshot.key])
        cells = "".join(
            '<td class="ca-on" title="ticked"></td>'
            if key in ticked[g.snapshot.key]
            else '<td class="ca-off"></td>'
            for g in reports
        )
        rows.append(
            f"<tr><th>{checklist_label(text, modules[key])}</th><td>{round(100 * n / len(reports))} %</td>{cells}</tr>"
        )
    page.html(
        '<div class="ca-heatmap-wrap"><table class="ca-heatmap"><thead><tr><th>Item</th><th>Share</th>'
        f"{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )
    return page.page("Checklist")


def build_compliance(cohort: Cohort, registry: Registry) -> PageSpec:
    """The grading aid: what is outside the course's rules, per group, linking to the exact answer."""
    page = PageWriter(urls.compliance(cohort.id))
    page.heading(1, f"Compliance · {cohort.settings.title}")
    expected = _expected_template(cohort, registry)
    rows = []
    for group in cohort.groups:
        link = page_link(urls.group(cohort.id, group.number), str(group.number))
        report = group.report
        if report is None:
            rows.append([link, status_label(group), "", "", "", len(group.problems)])
            continue
        target = urls.group(cohort.id, group.number)

        def q(n: int, target: str = target) -> str:
            return page_link(target, f"Q{n}", urls.question_anchor(n))

        outside = [
            f"{q(a.number)} ({a.words} w, {a.images} img)"
            for a in report.answers
            if a.answered and a.within_limits is False
        ]
        unanswered = [q(a.number) for a in report.answers if not a.answered]
        missing = [f"<code>{h(f.ref)}</code>" for f in report.figures if f.status in ("missing", "unsafe")]
        mismatch = ""
        if report.template is None:
            mismatch = "free-form"
        elif expected and report.template != expected:
            mismatch = h(report.template)
        if outside or unanswered or missing or mismatch:
            rows.append([
                link, ", ".join(outside) or "–", ", ".join(unanswered) or "–", ", ".join(missing) or "–",
                mismatch or "–", len(group.problems),
            ])  # fmt: skip
    page.html(
        "<p>Answers outside the word/image limits that year's <code>report.py</code> checks, unanswered "
        "questions, missing figures and template mismatches, per group.</p>"
        f"<p>{len(rows)} of {len(cohort.groups)} groups have something to look at.</p>"
        + html_table(
            ["Group", "Outside limits", "Unanswered", "Missing figures", "Template", "Problems"],
            rows,
            sortable=True,
        )
    )
    return page.page("Compliance")


def _expected_template(cohort: Cohort, registry: Registry) -> str | None:
    if cohort.id in registry.templates:
        return cohort.id
    counts = cohort_templates(cohort)
    counts.pop("free-form", None)
    return counts.most_common(1)[0][0] if counts else None
