"""`fetch_all`: bring every roster group's repository into the cache and pick its commit.

One job per repository (a repository listed by several cohorts is fetched once), run by a bounded
thread pool; the work itself is done by git subprocesses. Per repository:

- not cached: blob-less bare clone into tmp/, choose each group's commit, fetch the blobs under the
  report's folder at those commits in one request, write the state file, rename into repos/.
- cached (`auto`): `git ls-remote`; if the remote's refs match what the state file recorded, the
  recorded choices are reused without further git work. Otherwise (or in `refresh` mode) `git fetch`,
  choose again, fetch the missing report blobs, record.
- `offline`, or the network failed: the recorded choices (or a choice made from the cached refs when
  every needed blob is local) with `from_cache=True`; a failed update adds a warning.

Failures stay per group: the group becomes `unavailable` with a Problem in plain words, or keeps its
last good snapshot when there is one. Nothing here raises for a git failure.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from ..model import Problem, Roster, RosterEntry, Snapshot
from .cache import Cache, RepoState, looks_like_repo, read_state, remove_stale_locks, repo_key, write_state
from .gitcmd import GitFailed
from .gitenv import find_token, git_env, redact, secrets_of
from .options import FetchOptions, effective_mode
from .repo import (
    CachedRepo,
    NotChosen,
    Selection,
    Want,
    keep_ref,
    prefetch_targets,
    report_candidates,
    report_dir,
)
from .tree import FILE_MODES, SYMLINK_MODE, GitTree

log = logging.getLogger(__name__)

Progress = Callable[[str], None]


@dataclass
class _Item:
    entry: RosterEntry
    want: Want

    @property
    def key(self) -> str:
        return f"{self.entry.cohort}/{self.entry.group}"


@dataclass
class _Outcome:
    """What a job decided for one group."""

    status: str  # "ok" (report or no report decided from selection) or "unavailable"
    selection: Selection | None = None
    problems: list[Problem] | None = None
    from_cache: bool = False
    verb: str = "fetched"


def fetch_all(
    rosters: list[Roster],
    options: FetchOptions,
    progress: Progress | None = None,
    on_snapshot: Callable[[Snapshot], None] | None = None,
) -> list[Snapshot]:
    """A Snapshot for every entry of every roster, in roster order; never raises for a fetch failure.

    `on_snapshot` is called with each snapshot as soon as it is made (from a worker thread), so the
    caller can start on it while other repositories are still being fetched.
    """
    mode = effective_mode(options)
    offline = mode == "offline"
    cache = Cache(options.cache_dir)
    try:
        cache.prepare()
    except OSError as exc:
        cause = f"cannot use the cache folder {options.cache_dir}: {exc.strerror or exc}"
        return [_unavailable(_Item(e, Want()), cause)[0] for r in rosters for e in r.entries]
    token = None if offline else find_token(options.token_env)
    secrets = secrets_of(token)
    env = git_env(offline=offline, url_rewrites=options.url_rewrites, token=token)
    local_env = git_env(offline=True, url_rewrites=options.url_rewrites)

    jobs: dict[str, list[_Item]] = {}
    order: list[_Item] = []
    for roster in rosters:
        settings = roster.settings
        for entry in roster.entries:
            want = Want(settings.branch, settings.deadline, entry.ref, options.report_path, options.prefetch)
            item = _Item(entry, want)
            order.append(item)
            jobs.setdefault(repo_key(entry.repo_url), []).append(item)

    reporter = _Reporter(len(order), progress)
    results: dict[str, Snapshot] = {}
    lock = threading.Lock()

    def run(key: str, items: list[_Item]) -> None:
        job = _RepoJob(cache, key, items, options, mode, env, local_env, secrets)
        try:
            snaps = job.run()
        except Exception as exc:  # a bug or an OS error must not stop the build
            message = redact(f"{type(exc).__name__}: {exc}", secrets)
            log.exception("fetch of %s failed unexpectedly", redact(items[0].entry.repo_url, secrets))
            snaps = [_unavailable(i, f"unexpected error while fetching: {message}") for i in items]
        for snap, verb in snaps:
            with lock:
                results[snap.key] = snap
            reporter.done(snap, verb)
            if on_snapshot is not None:
                try:
                    on_snapshot(snap)
                except Exception:  # the caller's problem must not stop the fetch
                    log.exception("on_snapshot callback failed for %s", snap.key)

    workers = max(1, min(options.workers, len(jobs) or 1))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="cohort-fetch") as pool:
        for future in [pool.submit(run, key, items) for key, items in jobs.items()]:
            future.result()
    return [results[item.key] for item in order]


class _Reporter:
    """Progress lines like `[12/150] 2025-january/17 fetched (abc1234, 2025-01-24)`."""

    def __init__(self, total: int, progress: Progress | None) -> None:
        self.total = total
        self.count = 0
        self.progress = progress
        self.lock = threading.Lock()

    def done(self, snap: Snapshot, verb: str) -> None:
        if self.progress is None:
            return
        with self.lock:
            self.count += 1
            line = f"[{self.count}/{self.total}] {snap.key} {describe(snap, verb)}"
            try:
                self.progress(line)
            except Exception:  # a broken progress callback must not stop the fetch
                log.exception("progress callback failed")


def describe(snap: Snapshot, verb: str = "fetched") -> str:
    """A short description of a snapshot's outcome: `fetched (abc1234, 2025-01-24)`, `unavailable: ...`."""
    at = f"({snap.commit[:7]}, {snap.commit_date:%Y-%m-%d})" if snap.commit and snap.commit_date else ""
    if snap.status == "unavailable":
        cause = snap.problems[0].message if snap.problems else "unavailable"
        return f"unavailable: {cause}"
    text = f"{verb} {at}".strip()
    if snap.status == "no-report":
        text += " - no report"
    if verb == "kept cached copy" and snap.problems:  # why: the update or the new choice failed
        text += f": {snap.problems[0].message}"
    return text


class _RepoJob:
    """Everything for one repository and the groups that use it."""

    def __init__(
        self,
        cache: Cache,
        key: str,
        items: list[_Item],
        options: FetchOptions,
        mode: str,
        env: dict[str, str],
        local_env: dict[str, str],
        secrets: tuple[str, ...],
    ) -> None:
        self.cache = cache
        self.key = key
        self.items = items
        self.options = options
        self.mode = mode
        self.env = env
        self.local_env = local_env
        self.secrets = secrets
        self.url = items[0].entry.repo_url
        self.final = cache.repo_dir(key)
        self.local_blobs: set[str] = set()  # blobs known to be in the cache (the prefetch brought them)

    def run(self) -> list[tuple[Snapshot, str]]:
        with self.cache.lock(self.key):
            if self.final.exists() and not looks_like_repo(self.final):
                self.cache.discard(self.final)
            if not self.final.exists():
                if self.mode == "offline":
                    return [_unavailable(i, "not in cache and offline") for i in self.items]
                return self._cold()
            remove_stale_locks(self.final)
            state = read_state(self.final)
            if self.mode in ("offline", "missing"):
                return self._cached(state, None)
            return self._warm(state)

    # --- paths -----------------------------------------------------------------------------------

    def _repo(self, path: Path, *, local: bool = False) -> CachedRepo:
        env = self.local_env if local else self.env
        return CachedRepo(path, self.url, env, secrets=self.secrets, timeout=self.options.timeout)

    def _cold(self) -> list[tuple[Snapshot, str]]:
        """Clone into tmp/, choose, prefetch, record, then move into place."""
        tmp = self.cache.new_tmp(self.key)
        repo = self._repo(tmp)
        try:
            repo.clone()
            outcomes = self._choose_all(repo, None, changed=True)
            self._prefetch(repo, outcomes, cold=True)
            state = RepoState(url=self.url, remote=repo.local_remote().to_state())
            self._record(repo, state, outcomes, keep=False)
            write_state(tmp, state)
            self.cache.install(tmp, self.key)
        except GitFailed as exc:
            return [_unavailable(i, str(exc)) for i in self.items]
        finally:
            self.cache.discard(tmp)  # only left when something failed; installed clones moved away
        return self._snapshots(outcomes, online=True, fresh=True)

    def _warm(self, state: RepoState | None) -> list[tuple[Snapshot, str]]:
        """Ask the remote; fetch only when its refs moved (or in refresh mode); choose; prefetch; record."""
        repo = self._repo(self.final)
        try:
            if state is not None and state.url != self.url:
                repo.set_url(self.url)  # the roster now spells the repository differently
            remote = repo.ls_remote()
            changed = state is None or not remote.same_as(state.remote) or self.mode == "refresh"
            if changed:
                repo.update(remote)
        except GitFailed as exc:
            return self._cached(state, f"could not update: {exc}")
        outcomes = self._choose_all(repo, state, changed=changed)
        try:
            self._prefetch(repo, outcomes, cold=False)
        except GitFailed as exc:
            return self._cached(state, f"could not download the report files: {exc}")
        groups = dict(state.groups) if state else {}
        # a group that could not be chosen anew keeps its last good commit; the remote is then not
        # recorded as seen, so the next build tries again (and says so again) instead of "up to date"
        failed = state is not None and any(o.from_cache for o in outcomes.values())
        seen = state.remote if failed and state is not None else remote.to_state()
        new_state = RepoState(url=self.url, remote=seen, groups=groups)
        self._record(repo, new_state, outcomes, keep=changed)
        if state is None or new_state.to_json() != state.to_json():
            write_state(self.final, new_state)
        return self._snapshots(outcomes, online=True)

    def _cached(self, state: RepoState | None, failure: str | None) -> list[tuple[Snapshot, str]]:
        """Offline (`failure` None) or the update failed: recorded choices, else choices from cached refs."""
        repo = self._repo(self.final, local=True)
        outcomes: dict[str, _Outcome] = {}
        for item in self.items:
            recorded = _recorded(state, item)
            if recorded is not None:
                outcomes[item.key] = _Outcome("ok", recorded, from_cache=True, verb="cached")
                continue
            try:
                sel = repo.choose(item.want, may_fetch=False)
                # offline, the report must be local (and, with scope `folder`, its whole folder)
                scope = "folder" if item.want.scope == "folder" else "report"
                needed, trees = prefetch_targets(sel, item.want.report_path, scope)
                if needed and set(needed) & set(repo.missing(trees)):
                    raise NotChosen("the report's files are not in the cache")
            except (NotChosen, GitFailed) as exc:
                why = "offline" if self.mode == "offline" else "the cache is not updated in this mode"
                if failure:
                    cause = f"{failure}; {exc}"
                elif "not in the cache" in str(exc):
                    cause = "not in cache and offline" if self.mode == "offline" else f"not in cache ({why})"
                else:
                    cause = f"{exc} ({why})"
                outcomes[item.key] = _Outcome("unavailable", problems=[_problem(item, cause, "error")])
                continue
            outcomes[item.key] = _Outcome("ok", sel, from_cache=True, verb="cached")
        if failure:
            for item in self.items:
                out = outcomes[item.key]
                if out.status == "ok" and out.selection is not None:
                    when = f"{out.selection.commit[:7]} of {out.selection.date:%Y-%m-%d}"
                    out.problems = [_problem(item, f"{failure}; using the cached commit {when}", "warning")]
                    out.verb = "kept cached copy"
        return self._snapshots(outcomes, online=self.mode != "offline")

    # --- steps -----------------------------------------------------------------------------------

    def _choose_all(self, repo: CachedRepo, state: RepoState | None, *, changed: bool) -> dict[str, _Outcome]:
        """Each group's commit: the recorded one when nothing moved, else chosen from the refs."""
        outcomes: dict[str, _Outcome] = {}
        for item in self.items:
            recorded = _recorded(state, item)
            if recorded is not None and not changed:
                outcomes[item.key] = _Outcome("ok", recorded, verb="up to date")
                continue
            try:
                sel = repo.choose(item.want, may_fetch=True)
            except NotChosen as exc:
                if recorded is not None:
                    when = f"{recorded.commit[:7]} of {recorded.date:%Y-%m-%d}"
                    problem = _problem(item, f"{exc}; keeping the last good commit {when}", "warning")
                    outcomes[item.key] = _Outcome(
                        "ok", recorded, [problem], from_cache=True, verb="kept cached copy"
                    )
                else:
                    outcomes[item.key] = _Outcome("unavailable", problems=[_problem(item, str(exc), "error")])
                continue
            same = recorded is not None and recorded.commit == sel.commit
            problems = []
            if recorded is not None and not same and not repo.contains(sel.commit, recorded.commit):
                # not a later commit: the history was rewritten (force-push, squash) or a tag was moved
                was = f"{recorded.commit[:7]} of {recorded.date:%Y-%m-%d}"
                now = f"{sel.commit[:7]} of {sel.date:%Y-%m-%d}"
                message = (
                    f"the commit shown before ({was}) is no longer in the history it came from; now {now}"
                )
                problems.append(_problem(item, message, "warning"))
            outcomes[item.key] = _Outcome("ok", sel, problems, verb="up to date" if same else "fetched")
        return outcomes

    def _prefetch(self, repo: CachedRepo, outcomes: dict[str, _Outcome], *, cold: bool) -> None:
        """Fetch, in one request, what every newly chosen commit needs (see `FetchOptions.prefetch`)."""
        blobs: set[str] = set()
        trees: set[str] = set()
        for item in self.items:
            out = outcomes[item.key]
            if out.status != "ok" or out.selection is None or out.selection.entries is None:
                continue
            needed, scan = prefetch_targets(out.selection, item.want.report_path, item.want.scope)
            blobs.update(needed)
            trees.update(scan)
        needed = set(blobs)
        if not cold and blobs:
            blobs &= set(repo.missing(sorted(trees)))
        repo.fetch_objects(sorted(blobs))
        self.local_blobs |= needed  # the trees need not ask git again which of these are missing

    def _record(
        self, repo: CachedRepo, state: RepoState, outcomes: dict[str, _Outcome], *, keep: bool
    ) -> None:
        """Record each group's new good choice; with `keep`, hold good commits under refs/cohort-archive/.

        Right after a clone every chosen commit is reachable from a branch or tag, so no keep-refs are
        written (one process less per repository). After an update a group's last good commit may be
        on no branch any more; its keep-ref holds it (auto gc is off for the cache anyway).
        """
        current = repo.keep_refs() if keep else {}
        wanted: dict[str, str] = {}
        for item in self.items:
            out = outcomes[item.key]
            if out.status == "ok" and out.selection is not None and not out.from_cache:
                state.groups[item.key] = out.selection.to_state(item.want)
            good = state.groups.get(item.key, {}).get("commit")
            name = keep_ref(item.entry.cohort, item.entry.group)
            if keep and good and current.get(name) != good:
                wanted[name] = good
        repo.keep(wanted)

    def _snapshots(
        self, outcomes: dict[str, _Outcome], *, online: bool, fresh: bool = False
    ) -> list[tuple[Snapshot, str]]:
        """A snapshot per group; `fresh`: the repository was cloned by this run (see GitTree)."""
        fetcher = self._repo(self.final) if online else None
        snaps = []
        for item in self.items:
            out = outcomes[item.key]
            sel = out.selection
            if out.status != "ok" or sel is None:
                snaps.append(
                    (Snapshot(item.entry, "unavailable", problems=list(out.problems or [])), out.verb)
                )
                continue
            problems = list(out.problems or [])
            report_path = sel.report_path or item.want.report_path
            deadline = item.want.deadline
            if item.want.pin and deadline is not None and sel.date > deadline:  # a pin overrides the deadline
                when = f"{sel.commit[:7]} of {sel.date:%Y-%m-%d %H:%M}"
                message = (
                    f"the pinned commit ({when}) is dated after the deadline ({deadline:%Y-%m-%d %H:%M})"
                )
                problems.append(_problem(item, message, "warning"))
            if sel.late:
                message = (
                    f"the hand-in commit {sel.commit[:7]} is dated by the deadline, but a commit below it is dated "
                    f"after it ({sel.late}): a date may have been set back"
                )
                problems.append(_problem(item, message, "warning"))
            if sel.report_blob and sel.report_path:
                message = (
                    f"the report is at {sel.report_path}, not {item.want.report_path} (the course's checker reads"
                    f" only that path); shown from {sel.report_path}"
                )
                problems.append(_problem(item, message, "warning", where=sel.report_path))
            if not sel.report_blob:
                message = f"no {item.want.report_path} at commit {sel.commit[:7]}" + _near_misses(
                    sel, item.want.report_path
                )
                local = self._repo(self.final, local=True)
                later = None
                if item.want.deadline is not None and sel.branch:  # handed in late?
                    later = local.added_later(sel.branch, item.want.report_path)
                    if later:
                        message += f"; {sel.branch} has it since commit {later}, after the deadline"
                if not later and not item.want.pin:  # handed in on another branch?
                    others = [b for b in local.branches_with(item.want.report_path) if b != sel.branch]
                    if others:
                        where = " and ".join(f"'{b}'" for b in others[:3]) + (
                            " (and more)" if len(others) > 3 else ""
                        )
                        message += f"; branch {where} has one (not shown: the archive reads {sel.branch or 'the commit given'})"
                problems.append(_problem(item, message, "warning", where=item.want.report_path))
            tree = GitTree(
                self.final,
                sel.commit,
                self.local_env,
                sel.entries,
                sel.trees or {"": sel.tree},
                fetcher=fetcher,
                folder=report_dir(report_path),
                folder_local=item.want.scope == "folder",
                local_blobs=frozenset(self.local_blobs),
                fresh=fresh,
            )
            snap = Snapshot(
                entry=item.entry,
                status="ok" if sel.report_blob else "no-report",
                commit=sel.commit,
                commit_date=sel.date,
                branch=sel.branch,
                tree=tree,
                report_blob=sel.report_blob,
                report_path=report_path,
                problems=problems,
                from_cache=out.from_cache,
            )
            snaps.append((snap, out.verb))
        return snaps


def _near_misses(selection: Selection, report_path: str) -> str:
    """Why a group that handed in a report shows none, when the tree tells: the report path is a symlink
    or a folder, or several files could be the report (none is taken then)."""
    entries = selection.entries or {}
    if report_path in selection.trees:
        return f"; {report_path} is a folder"
    found = entries.get(report_path)
    if found is not None and found[0] not in FILE_MODES:
        kind = {SYMLINK_MODE: "a symbolic link (not followed)", "160000": "a submodule"}
        return f"; {report_path} is {kind.get(found[0], 'not a regular file')}"
    similar = report_candidates(entries, report_path)  # several: none was taken as the report
    if similar:
        return f"; there are {' and '.join(similar[:3])}: which one is the report? (names are case-sensitive)"
    return ""


def _recorded(state: RepoState | None, item: _Item) -> Selection | None:
    """The last good choice for this group, if it answered the same question (same branch/deadline/pin)."""
    if state is None:
        return None
    data = state.groups.get(item.key)
    if not isinstance(data, dict) or data.get("spec") != item.want.spec():
        return None
    return Selection.from_state(data)


def _problem(item: _Item, message: str, severity: str, where: str | None = None) -> Problem:
    return Problem(where or item.entry.repo_url, message, group=item.key, severity=severity)  # type: ignore[arg-type]


def _unavailable(item: _Item, cause: str) -> tuple[Snapshot, str]:
    snap = Snapshot(entry=item.entry, status="unavailable", problems=[_problem(item, cause, "error")])
    return snap, "unavailable"
