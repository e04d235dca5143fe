"""The core pipeline without MkDocs: rosters -> snapshots -> normalised, rendered reports.

`build_archive` is what the plugin calls; a cache keyed by commit keeps unchanged reports from being
parsed and rendered again, in memory across `mkdocs serve` rebuilds and on disk across builds.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .model import Cohort, Group, Problem, Report, Roster, Snapshot
from .normalise import REPORT_PATH, normalise
from .registry import Registry
from .render import MarkdownRenderer

CACHE_VERSION = "1"  # bump when parsing, figures or rendering change what they produce

log = logging.getLogger(__name__)


@dataclass
class Rendered:
    """A report's answers as safe HTML, by question number; the free-form body when there is one."""

    answers: dict[int, str] = field(default_factory=dict)
    free_form: str | None = None


@dataclass
class Archive:
    cohorts: list[Cohort]
    registry: Registry
    rendered: dict[str, Rendered] = field(default_factory=dict)  # group key -> HTML
    problems: list[Problem] = field(default_factory=list)  # roster-level problems

    def groups(self) -> list[Group]:
        return [g for c in self.cohorts for g in c.groups]


class ReportCache:
    """Normalised + rendered reports by (commit, cohort, registry), in memory and optionally on disk."""

    def __init__(self, directory: Path | None, fingerprint: str) -> None:
        self.directory = directory
        self.fingerprint = fingerprint
        self._memory: dict[str, tuple[Report, Rendered]] = {}
        self.hits = 0
        self.misses = 0

    def key(self, snapshot: Snapshot) -> str | None:
        if not snapshot.commit:
            return None
        raw = f"{CACHE_VERSION}|{self.fingerprint}|{snapshot.entry.cohort}|{snapshot.entry.repo_url}|"
        raw += f"{snapshot.commit}|{snapshot.report_blob}"
        return hashlib.sha256(raw.encode()).hexdigest()[:32]

    def get(self, key: str) -> tuple[Report, Rendered] | None:
        if key in self._memory:
            return self._memory[key]
        if self.directory is None:
            return None
        path = self.directory / f"{key}.pickle"
        try:
            with path.open("rb") as fh:
                value = pickle.load(fh)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            return None
        self._memory[key] = value
        return value

    def put(self, key: str, value: tuple[Report, Rendered]) -> None:
        self._memory[key] = value
        if self.directory is None:
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        tmp = self.directory / f".{key}.tmp"
        with tmp.open("wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(self.directory / f"{key}.pickle")


def render_report(report: Report, renderer: MarkdownRenderer) -> Rendered:
    answers = {a.number: renderer.render(a.markdown) for a in report.answers if a.answered}
    free = renderer.render(report.free_form_markdown) if report.free_form_markdown else None
    return Rendered(answers=answers, free_form=free)


def build_archive(
    rosters: list[Roster],
    snapshots: list[Snapshot],
    registry: Registry,
    cache: ReportCache,
    *,
    progress: Callable[[str], None] | None = None,
) -> Archive:
    """Normalise and render every group's report; a failure in one group never stops the others."""
    renderer = MarkdownRenderer()
    by_key = {s.key: s for s in snapshots}
    archive = Archive(cohorts=[], registry=registry)
    for roster in rosters:
        cohort = Cohort(settings=roster.settings, problems=list(roster.problems))
        archive.problems.extend(roster.problems)
        for entry in sorted(roster.entries, key=lambda e: e.group):
            snapshot = by_key.get(f"{entry.cohort}/{entry.group}")
            if snapshot is None:
                snapshot = Snapshot(
                    entry=entry,
                    status="unavailable",
                    problems=[
                        Problem("fetch", "no snapshot was made", group=f"{entry.cohort}/{entry.group}")
                    ],
                )
            group = Group(snapshot=snapshot)
            key = cache.key(snapshot) if snapshot.status == "ok" else None
            cached = cache.get(key) if key else None
            if cached is not None:
                cache.hits += 1
                group.report, archive.rendered[snapshot.key] = cached
            elif snapshot.status == "ok":
                cache.misses += 1
                try:
                    report = normalise(snapshot, registry)
                except Exception as exc:  # a bug on one report must not lose the others
                    log.exception("normalising %s failed", snapshot.key)
                    snapshot.problems.append(
                        Problem(REPORT_PATH, f"could not be normalised ({exc!r})", snapshot.key, "error")
                    )
                    report = None
                if report is None:
                    if snapshot.tree is not None and snapshot.tree.read(REPORT_PATH) is None:
                        snapshot.status = "no-report"
                else:
                    group.report = report
                    rendered = render_report(report, renderer)
                    archive.rendered[snapshot.key] = rendered
                    if key:
                        cache.put(key, (report, rendered))
            cohort.groups.append(group)
        archive.cohorts.append(cohort)
    if progress:
        progress(f"reports: {cache.hits} from cache, {cache.misses} parsed")
    return archive
