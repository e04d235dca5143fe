"""One group's snapshot in, one normalised report out: parse, then resolve figures and links."""

from __future__ import annotations

import dataclasses

from .figures import apply_figures
from .model import Problem, Report, RepoTree, RosterEntry, Snapshot
from .parse import parse_report
from .registry import Registry

REPORT_PATH = "reports/README.md"
ROOT = "@@ROOT@@"  # the page layer replaces this with the relative path to the site root


def figure_base(cohort: str, group: int) -> str:
    """Where a group's figures live in the site, as a root-relative URL prefix."""
    return f"{ROOT}assets/figures/{cohort}/{group}"


def normalise(snapshot: Snapshot, registry: Registry, report_path: str = REPORT_PATH) -> Report | None:
    """The group's report at its chosen commit, parsed and with figures resolved; None without one."""
    if snapshot.status != "ok" or snapshot.tree is None:
        return None
    data = snapshot.tree.read(report_path)
    if data is None:
        return None
    return normalise_report(data, snapshot.entry, snapshot.commit, snapshot.tree, registry, report_path)


def normalise_report(
    data: bytes,
    entry: RosterEntry,
    commit: str | None,
    tree: RepoTree,
    registry: Registry,
    report_path: str = REPORT_PATH,
) -> Report:
    """Parse a report's bytes and resolve its figures against the repository tree at `commit`."""
    report = parse_report(data, registry, path=report_path, hint=entry.cohort)
    if report.template and _twins(registry, report.template):
        # versions with the same questions differ only in wording: when the report was first
        # committed tells them apart better than the cohort (groups reuse old repos)
        added = getattr(tree, "first_added", lambda _path: None)(report_path)
        if added is not None:
            report = parse_report(data, registry, path=report_path, hint=added.date().isoformat())
    apply_figures(
        report,
        tree,
        repo_url=entry.repo_url,
        commit=commit,
        figure_base=figure_base(entry.cohort, entry.group),
        report_path=report_path,
    )
    key = f"{entry.cohort}/{entry.group}"
    report.problems = [_owned(p, key) for p in report.problems]
    for answer in report.answers:
        answer.problems = [_owned(p, key) for p in answer.problems]
    return report


def _twins(registry: Registry, template_id: str) -> list[str]:
    """Other template versions with exactly the same questions (ids and limits) as this one."""
    mine = [(q.id, q.limits) for q in registry.templates[template_id].questions]
    return [
        t.id
        for t in registry.templates.values()
        if t.id != template_id and [(q.id, q.limits) for q in t.questions] == mine
    ]


def _owned(problem: Problem, key: str) -> Problem:
    return problem if problem.group else dataclasses.replace(problem, group=key)
