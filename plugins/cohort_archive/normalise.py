"""One group's snapshot in, one normalised report out: parse, then resolve figures and links."""

from __future__ import annotations

import dataclasses

from .figures import apply_figures
from .figures.lfs import lfs_rule, read_attributes
from .model import REPORT_PATH, Problem, Report, RepoTree, RosterEntry, Snapshot
from .parse import parse_report
from .registry import Registry

ROOT = "@@ROOT@@"  # the page layer replaces this with the relative path to the site root


def figure_base(cohort: str, group: int) -> str:
    """Where a group's figures live in the site, as a root-relative URL prefix."""
    return f"{ROOT}assets/figures/{cohort}/{group}"


def normalise(snapshot: Snapshot, registry: Registry) -> Report | None:
    """The group's report at its chosen commit, parsed and with figures resolved; None without one."""
    if snapshot.status != "ok" or snapshot.tree is None:
        return None
    report_path = snapshot.report_path
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

    def hint() -> str:
        # only asked when versions with identical questions tie (2023/2024): when the report was first
        # committed tells them apart better than the cohort (groups reuse old repos)
        added = getattr(tree, "first_added", lambda _path: None)(report_path)
        return added.date().isoformat() if added is not None else entry.cohort

    report = parse_report(data, registry, path=report_path, hint=hint)
    apply_figures(
        report,
        tree,
        repo_url=entry.repo_url,
        commit=commit,
        figure_base=figure_base(entry.cohort, entry.group),
        report_path=report_path,
        lfs=lfs_rule(read_attributes(tree, report_path)),
    )
    key = f"{entry.cohort}/{entry.group}"
    report.problems = [_owned(p, key) for p in report.problems]
    for answer in report.answers:
        answer.problems = [_owned(p, key) for p in answer.problems]
    return report


def _owned(problem: Problem, key: str) -> Problem:
    return problem if problem.group else dataclasses.replace(problem, group=key)
