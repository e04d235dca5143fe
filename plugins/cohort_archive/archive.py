"""The core pipeline without MkDocs: rosters -> snapshots -> normalised, rendered reports.

`build_archive` is what the plugin calls; a cache keyed by commit keeps unchanged reports from being
parsed and rendered again, in memory across `mkdocs serve` rebuilds and on disk across builds.
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import pickle
import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .fetch.tree import first_added
from .figures.lfs import read_attributes
from .model import REPORT_PATH, Cohort, Group, ListingTree, Problem, Report, Roster, RosterEntry, Snapshot
from .normalise import normalise, normalise_report
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
        if snapshot.report_path != REPORT_PATH:  # figures resolve from the report's folder
            raw += f"|{snapshot.report_path}"
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


@dataclass
class _Job:
    """Everything a worker process needs to normalise and render one report (no open handles)."""

    key: str
    entry: RosterEntry
    commit: str | None
    data: bytes
    files: list[str]
    symlinks: set[str]
    git_dir: str | None
    env: dict[str, str] | None
    contents: dict[str, bytes] = field(default_factory=dict)  # the small files normalising reads
    report_path: str = REPORT_PATH


_WORKER: dict[str, object] = {}


def _init_worker(registry: Registry) -> None:
    _WORKER["registry"] = registry
    _WORKER["renderer"] = MarkdownRenderer()


def _worker_pool(workers: int, registry: Registry) -> ProcessPoolExecutor:
    """Worker processes that normalise and render reports (forkserver: no copy of this process's state)."""
    ctx = multiprocessing.get_context("forkserver")
    return ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init_worker, initargs=(registry,))


def _run_job(job: _Job) -> tuple[str, Report | None, Rendered | None, str | None]:
    """Worker side: parse, resolve figures, render; a failure comes back as text, never raises."""
    try:
        registry = _WORKER["registry"]
        renderer = _WORKER["renderer"]
        first = None
        if job.git_dir and job.commit:
            git_dir, env, commit = job.git_dir, job.env or {}, job.commit

            def first(path: str):
                return first_added(git_dir, env, commit, path)

        tree = ListingTree(job.files, job.symlinks, first, job.contents)
        report = normalise_report(job.data, job.entry, job.commit, tree, registry, job.report_path)  # type: ignore[arg-type]
        return job.key, report, render_report(report, renderer), None  # type: ignore[arg-type]
    except Exception as exc:  # reported by the caller against the group
        return job.key, None, None, f"{exc!r}"


def _job(snapshot: Snapshot) -> _Job | None:
    """A worker job for a snapshot whose tree can be listed; None to normalise it in this process."""
    tree = snapshot.tree
    listing = getattr(tree, "listing", None)
    if tree is None or listing is None:
        return None
    data = tree.read(snapshot.report_path)
    if data is None:
        return None
    files, symlinks = listing()
    contents = read_attributes(tree, snapshot.report_path, files)
    return _Job(
        snapshot.key, snapshot.entry, snapshot.commit, data, files, symlinks,
        str(getattr(tree, "git_dir", "")) or None, getattr(tree, "local_env", None), contents,
        snapshot.report_path,
    )  # fmt: skip


def _normalise_all(
    snapshots: list[Snapshot], registry: Registry, workers: int
) -> dict[str, tuple[Report | None, Rendered | None, str | None]]:
    """Normalise and render many reports, in worker processes when there are enough of them."""
    out: dict[str, tuple[Report | None, Rendered | None, str | None]] = {}
    jobs: list[_Job] = []
    local: list[Snapshot] = []
    for snap in snapshots:
        job = _job(snap) if workers > 1 else None
        (jobs.append(job) if job else local.append(snap))
    if len(jobs) < 8:  # not worth starting processes
        local += [s for s in snapshots if s.key in {j.key for j in jobs}]
        jobs = []
    if jobs:
        with _worker_pool(workers, registry) as pool:
            for key, report, rendered, error in pool.map(_run_job, jobs, chunksize=4):
                out[key] = (report, rendered, error)
    renderer = MarkdownRenderer()
    for snap in local:
        try:
            report = normalise(snap, registry)
            out[snap.key] = (report, render_report(report, renderer) if report else None, None)
        except Exception as exc:  # a bug on one report must not lose the others
            log.exception("normalising %s failed", snap.key)
            out[snap.key] = (None, None, f"{exc!r}")
    return out


Outcome = tuple[Report | None, Rendered | None, str | None]  # report, its HTML, or the error


class Normaliser:
    """Normalises and renders reports in worker processes as their snapshots arrive (`submit`).

    Use as a context manager around `fetch_all(..., on_snapshot=normaliser.submit)`, then hand
    `results()` to `build_archive`: parsing overlaps the fetching of the other repositories.
    Reports already in the cache are skipped.
    """

    def __init__(self, registry: Registry, cache: ReportCache, workers: int, *, expected: int = 8) -> None:
        # a few reports are quicker in this process than starting workers: build_archive does those
        self.registry, self.cache = registry, cache
        self.workers = workers if expected >= 8 else 1
        self._pool: ProcessPoolExecutor | None = None
        self._futures: dict[str, Future] = {}
        self._lock = threading.Lock()

    def submit(self, snapshot: Snapshot) -> None:
        key = self.cache.key(snapshot) if snapshot.status == "ok" else None
        if not key or self.workers < 2 or self.cache.get(key) is not None:
            return
        job = _job(snapshot)
        if job is None:
            return
        with self._lock:
            if self._pool is None:
                self._pool = _worker_pool(self.workers, self.registry)
            self._futures[snapshot.key] = self._pool.submit(_run_job, job)

    def results(self) -> dict[str, Outcome]:
        """Wait for every submitted report."""
        out: dict[str, Outcome] = {}
        for key, future in self._futures.items():
            try:
                _key, report, rendered, error = future.result()
            except Exception as exc:  # e.g. a worker died
                report, rendered, error = None, None, f"{exc!r}"
            out[key] = (report, rendered, error)
        return out

    def __enter__(self) -> Normaliser:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=exc[0] is not None)
            self._pool = None


def build_archive(
    rosters: list[Roster],
    snapshots: list[Snapshot],
    registry: Registry,
    cache: ReportCache,
    *,
    workers: int = 1,
    progress: Callable[[str], None] | None = None,
    normalised: dict[str, Outcome] | None = None,
) -> Archive:
    """Normalise and render every group's report; a failure in one group never stops the others.

    `normalised`: reports a `Normaliser` already made, by group key (the others are made here).
    """
    by_key = {s.key: s for s in snapshots}
    archive = Archive(cohorts=[], registry=registry)
    fresh: dict[str, Outcome] = dict(normalised or {})
    todo: list[Snapshot] = []
    for snap in snapshots:
        key = cache.key(snap) if snap.status == "ok" else None
        if key and snap.key not in fresh and cache.get(key) is None:
            todo.append(snap)
    fresh.update(_normalise_all(todo, registry, workers))
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
            cached = cache.get(key) if key and snapshot.key not in fresh else None
            if cached is not None:
                cache.hits += 1
                group.report, archive.rendered[snapshot.key] = cached
            elif snapshot.status == "ok":
                cache.misses += 1
                report, rendered, error = fresh.get(snapshot.key, (None, None, None))
                if error:
                    snapshot.problems.append(
                        Problem(
                            snapshot.report_path, f"could not be normalised ({error})", snapshot.key, "error"
                        )
                    )
                if report is None or rendered is None:
                    if snapshot.tree is not None and snapshot.tree.read(snapshot.report_path) is None:
                        snapshot.status = "no-report"
                else:
                    group.report = report
                    archive.rendered[snapshot.key] = rendered
                    if key:
                        cache.put(key, (report, rendered))
            cohort.groups.append(group)
        archive.cohorts.append(cohort)
    if progress:
        progress(f"reports: {cache.hits} from cache, {cache.misses} parsed")
    return archive
