"""Git operations on one cached repository: clone, look at the remote, update, choose a commit, prefetch.

Every network command runs with the fetch environment (URL rewrites, token header, no prompts); errors
come back as `GitFailed` with a plain-words, redacted message.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from git import Repo
from git.exc import GitError
from git.refs import Reference, SymbolicReference

from ..figures.lfs import attribute_files
from ..model import IMAGE_EXTENSIONS
from .gitcmd import GitFailed, explain, last_line, run_git
from .tree import FILE_MODES, Entries, missing_objects, parse_ls_tree

HEX = re.compile(r"^[0-9a-fA-F]{4,40}$")


@dataclass(frozen=True)
class Want:
    """Which commit a group wants: branch override, deadline, pinned ref."""

    branch: str | None = None
    deadline: datetime | None = None
    pin: str | None = None
    report_path: str = "reports/README.md"
    scope: str = "folder"  # what must be local with the commit: see FetchOptions.prefetch

    def spec(self) -> list[str | None]:
        """A JSON-able identity, to tell whether a cached choice still answers the same question."""
        deadline = self.deadline.isoformat() if self.deadline else None
        return [self.branch, deadline, self.pin, self.report_path, self.scope]


@dataclass
class Selection:
    """A chosen commit and what is known about it."""

    commit: str
    tree: str
    date: datetime
    branch: str | None
    report_blob: str | None
    entries: Entries | None = None
    trees: dict[str, str] = field(default_factory=dict)
    report_path: str | None = None  # a stand-in for the wanted path (see `report_stand_in`), else None
    late: str | None = None  # "3f2a9c1 of 2025-01-26": a commit after the deadline below the chosen one

    def to_state(self, want: Want) -> dict[str, object]:
        state: dict[str, object] = {
            "spec": want.spec(),
            "commit": self.commit,
            "tree": self.tree,
            "date": self.date.isoformat(),
            "branch": self.branch,
            "report_blob": self.report_blob,
        }
        if self.report_path:
            state["report_path"] = self.report_path
        if self.late:
            state["late"] = self.late
        return state

    @classmethod
    def from_state(cls, data: dict[str, object]) -> Selection | None:
        try:
            return cls(
                commit=str(data["commit"]),
                tree=str(data["tree"]),
                date=datetime.fromisoformat(str(data["date"])),
                branch=str(data["branch"]) if data.get("branch") else None,
                report_blob=str(data["report_blob"]) if data.get("report_blob") else None,
                report_path=str(data["report_path"]) if data.get("report_path") else None,
                late=str(data["late"]) if data.get("late") else None,
            )
        except (KeyError, TypeError, ValueError):
            return None


class NotChosen(Exception):
    """No commit could be chosen for a group; the message says why in plain words."""


@dataclass
class RemoteRefs:
    """The remote's default branch and its branch and tag tips."""

    head: str | None
    refs: dict[str, str]

    def to_state(self) -> dict[str, object]:
        return {"head": self.head, "refs": dict(sorted(self.refs.items()))}

    def same_as(self, data: dict[str, object] | None) -> bool:
        return bool(data) and data.get("head") == self.head and data.get("refs") == self.refs  # type: ignore[union-attr]


class CachedRepo:
    """A bare partial clone in the cache, with the environment its git commands run in."""

    def __init__(
        self,
        path: Path,
        url: str,
        env: dict[str, str],
        *,
        secrets: tuple[str, ...] = (),
        timeout: float | None = None,
    ) -> None:
        self.path = Path(path)
        self.url = url
        self.env = env
        self.secrets = secrets
        self.timeout = timeout
        self._refs: dict[str, str] | None = None

    # --- network ---------------------------------------------------------------------------------

    def clone(self) -> None:
        """Blob-less bare clone of `url` into `path` (which must not exist yet).

        `--template=`: none of git's sample hooks and description files (20 of a fresh clone's 26 files;
        creating files is much of a clone's cost).
        """
        res = self._net(
            [
                "clone",
                "--bare",
                "--quiet",
                "--template=",
                "--filter=blob:none",
                "--",
                self.url,
                str(self.path),
            ],
            cwd=self.path.parent,
        )
        if not res.ok:
            raise GitFailed(explain(res.err), res.err)
        self._refs = None

    def set_url(self, url: str) -> None:
        """Point `origin` at `url` (used for every later fetch, lazy ones included)."""
        res = run_git(["remote", "set-url", "origin", url], cwd=self.path, env=self.env, secrets=self.secrets)
        if not res.ok:
            raise GitFailed("cannot update the cached repository's address: " + last_line(res.err), res.err)
        self.url = url

    def ls_remote(self) -> RemoteRefs:
        """The remote's HEAD branch and branch/tag tips (one round trip, nothing downloaded)."""
        res = self._net(["ls-remote", "--symref", "origin", "HEAD", "refs/heads/*", "refs/tags/*"])
        if not res.ok:
            raise GitFailed(explain(res.err), res.err)
        head: str | None = None
        refs: dict[str, str] = {}
        for line in res.text().splitlines():
            left, _, name = line.partition("\t")
            if left.startswith("ref: ") and name == "HEAD":
                head = left[5:].removeprefix("refs/heads/")
            elif name.startswith(("refs/heads/", "refs/tags/")) and not name.endswith("^{}"):
                refs[name] = left
        return RemoteRefs(head, refs)

    def update(self, remote: RemoteRefs) -> None:
        """Fetch new commits and trees of every branch and tag (pruning deleted ones); follow HEAD."""
        res = self._net(
            [
                "fetch",
                "--quiet",
                "--prune",
                "--no-write-fetch-head",
                "--filter=blob:none",
                "origin",
                "+refs/heads/*:refs/heads/*",
                "+refs/tags/*:refs/tags/*",
            ]
        )
        if not res.ok:
            raise GitFailed(explain(res.err), res.err)
        self._refs = None
        if remote.head and remote.head != self.head_branch():
            run_git(["symbolic-ref", "HEAD", f"refs/heads/{remote.head}"], cwd=self.path, env=self.env)

    def fetch_objects(self, shas: list[str]) -> None:
        """Download the given objects (blobs) in one request."""
        if not shas:
            return
        res = self._net(
            [
                "-c",
                "fetch.negotiationAlgorithm=noop",
                "fetch",
                "--quiet",
                "--no-tags",
                "--no-write-fetch-head",
                "--recurse-submodules=no",
                "--filter=blob:none",
                "--stdin",
                "origin",
            ],
            input="".join(f"{s}\n" for s in shas).encode(),
        )
        if not res.ok:
            raise GitFailed(explain(res.err), res.err)

    def fetch_commit(self, sha: str) -> bool:
        """Fetch one commit by id (for a pin that no branch or tag contains); True when it worked."""
        res = self._net(
            [
                "fetch",
                "--quiet",
                "--no-tags",
                "--no-write-fetch-head",
                "--filter=blob:none",
                "origin",
                f"{sha}:refs/cohort-archive/pins/{sha}",
            ]
        )
        self._refs = None
        return res.ok

    # --- local -----------------------------------------------------------------------------------

    def head_branch(self) -> str | None:
        """The branch HEAD points to (the remote's default branch), read without running git."""
        try:
            text = (self.path / "HEAD").read_text().strip()
        except OSError:
            return None
        return text[len("ref: refs/heads/") :] if text.startswith("ref: refs/heads/") else None

    def refs(self) -> dict[str, str]:
        """Local branch and tag tips (GitPython reads loose and packed refs directly)."""
        if self._refs is None:
            try:
                repo = Repo(self.path)
                try:
                    self._refs = {
                        ref.path: SymbolicReference.dereference_recursive(repo, ref.path)
                        for prefix in ("refs/heads", "refs/tags")
                        for ref in Reference.iter_items(repo, common_path=prefix)
                    }
                finally:
                    repo.close()
            except (GitError, OSError, ValueError):
                self._refs = {}
        return self._refs

    def local_remote(self) -> RemoteRefs:
        """What the cache holds, in the form `ls_remote` returns (right after a clone they agree)."""
        return RemoteRefs(self.head_branch(), dict(self.refs()))

    def choose(self, want: Want, *, may_fetch: bool) -> Selection:
        """The commit `want` asks for, from the cached refs. Raises NotChosen with the reason."""
        refs = self.refs()
        if not refs:
            raise NotChosen("the repository is empty (no commits)")
        deadline = want.deadline
        branch: str | None
        if want.pin:
            pin = want.pin
            if not _safe_rev(pin):
                raise NotChosen(f"pinned ref '{pin}' is not a valid ref")
            if f"refs/heads/{pin}" in refs:
                branch, rev = pin, f"refs/heads/{pin}"
            elif f"refs/tags/{pin}" in refs:
                branch, rev, deadline = None, f"refs/tags/{pin}^{{commit}}", None
            elif HEX.match(pin):
                branch, rev, deadline = None, f"{pin}^{{commit}}", None
                if not self._exists(rev) and not (may_fetch and len(pin) == 40 and self.fetch_commit(pin)):
                    if len(pin) < 40:  # only a full id can be fetched by itself
                        raise NotChosen(
                            f"pinned commit '{pin}' is on no branch or tag of the repository; "
                            "a commit off the branches must be pinned by its full 40-character id"
                        )
                    raise NotChosen(f"pinned commit '{pin}' is not in the repository")
            else:
                raise NotChosen(f"pinned ref '{pin}' is not a branch, tag or commit of the repository")
        else:
            branch = want.branch or self.head_branch()
            if not branch:
                raise NotChosen("the repository has no default branch")
            if f"refs/heads/{branch}" not in refs:
                which = "branch" if want.branch else "default branch"
                raise NotChosen(f"{which} '{branch}' not found in the repository")
            rev = f"refs/heads/{branch}"
        # with a deadline, the whole first-parent chain: the first commit dated by the deadline is the
        # hand-in (as `--min-age` picks it), and one dated after it further down means a date set back
        args = ["log", "--no-show-signature", "--format=%H%x00%T%x00%cI"]
        args += ["-1"] if deadline is None else ["--first-parent"]
        res = run_git([*args, "--end-of-options", rev, "--"], cwd=self.path, env=self.env)
        if not res.ok:
            raise NotChosen(f"cannot read '{want.pin or branch}': {last_line(res.err)}")
        chosen, late = _by_deadline(res.text().split("\n"), deadline)
        if chosen is None:
            when = deadline.isoformat(timespec="minutes") if deadline else ""
            raise NotChosen(f"no commit on '{branch}' at or before the deadline {when}")
        commit, tree, date = chosen
        entries, trees = self.list_tree(commit)
        trees[""] = tree
        found = entries.get(want.report_path)
        stand_in = None if found and found[0] in FILE_MODES else report_stand_in(entries, want.report_path)
        if stand_in:
            found = entries[stand_in]
        report_blob = found[1] if found and found[0] in FILE_MODES else None
        date_ = datetime.fromisoformat(date)
        return Selection(commit, tree, date_, branch, report_blob, entries, trees, stand_in, late)

    def list_tree(self, commit: str) -> tuple[Entries, dict[str, str]]:
        res = run_git(["ls-tree", "-r", "-t", "-z", "--full-tree", commit], cwd=self.path, env=self.env)
        if not res.ok:
            raise NotChosen(f"cannot list the files of commit {commit[:12]}")
        return parse_ls_tree(res.out)

    def missing(self, tree_ids: list[str]) -> list[str]:
        """Objects reachable from the given trees that are not in the cache (no lazy fetching)."""
        try:
            return missing_objects(self.path, self.env, tree_ids)
        except OSError as exc:
            raise GitFailed(str(exc)) from exc

    def keep(self, refs: dict[str, str]) -> None:
        """Point `refs/cohort-archive/...` names at commits so they stay in the cache for good."""
        if not refs:
            return
        lines = "".join(f"update {name} {sha}\n" for name, sha in sorted(refs.items()))
        run_git(["update-ref", "--stdin"], cwd=self.path, env=self.env, input=lines.encode())

    def keep_refs(self) -> dict[str, str]:
        """The current keep-refs (`refs/cohort-archive/good/...`), read without running git."""
        try:
            repo = Repo(self.path)
            try:
                return {
                    ref.path: SymbolicReference.dereference_recursive(repo, ref.path)
                    for ref in Reference.iter_items(repo, common_path="refs/cohort-archive/good")
                }
            finally:
                repo.close()
        except (GitError, OSError, ValueError):
            return {}

    def added_later(self, branch: str, path: str) -> str | None:
        """`3f2a9c1 of 2025-01-26`: the commit that added `path` as the tip of `branch` has it; None when
        the tip has no such file (local: trees only, no blob is read)."""
        tip = f"refs/heads/{branch}"
        if not run_git(["rev-parse", "--verify", "--quiet", f"{tip}:{path}"], cwd=self.path, env=self.env).ok:
            return None
        args = ["log", "-1", "--no-renames", "--diff-filter=A", "--format=%h of %cs", tip, "--", path]
        res = run_git(args, cwd=self.path, env=self.env)
        text = res.text().strip() if res.ok else ""
        return text or None

    def branches_with(self, path: str, limit: int = 30) -> list[str]:
        """The branches (at most `limit` looked at, the default branch first) whose tip has a file at
        `path` (local: trees only, no blob is read)."""
        head = self.head_branch()
        names = sorted(r.removeprefix("refs/heads/") for r in self.refs() if r.startswith("refs/heads/"))
        names.sort(key=lambda b: b != head)
        found = []
        for branch in names[:limit]:
            res = run_git(
                ["ls-tree", "--full-tree", f"refs/heads/{branch}", "--", path], cwd=self.path, env=self.env
            )
            if res.ok and res.text().split(maxsplit=2)[1:2] == ["blob"]:
                found.append(branch)
        return found

    def contains(self, descendant: str, ancestor: str) -> bool:
        """Whether `ancestor` is in the history of `descendant` (False too when either is unknown)."""
        res = run_git(["merge-base", "--is-ancestor", ancestor, descendant], cwd=self.path, env=self.env)
        return res.ok

    def _exists(self, rev: str) -> bool:
        res = run_git(
            ["rev-parse", "--verify", "--quiet", "--end-of-options", rev], cwd=self.path, env=self.env
        )
        return res.ok

    def _net(self, args: list[str], *, cwd: Path | None = None, input: bytes | None = None):
        return run_git(
            args,
            cwd=cwd or self.path,
            env=self.env,
            input=input,
            timeout=self.timeout,
            secrets=self.secrets,
        )


def report_dir(report_path: str) -> str | None:
    """The folder whose files are prefetched with the report (`reports`), None for a root report."""
    folder = posixpath.dirname(report_path.strip("/"))
    return folder or None


def prefetch_targets(
    selection: Selection, report_path: str, scope: str = "folder"
) -> tuple[list[str], list[str]]:
    """(blob ids that must be local, tree ids to scan for missing ones) for `selection`.

    scope `folder`: every file under the report's folder (`reports/`); `images`: the report file and the
    images under its folder; `report`: the report file only.
    """
    report_path = selection.report_path or report_path
    folder = report_dir(report_path)
    entries = selection.entries or {}
    found = entries.get(report_path)
    report = [found[1]] if found and found[0] in FILE_MODES else []
    if report:  # the .gitattributes that say which figures are in Git LFS: a few bytes, same request
        report += [entries[p][1] for p in attribute_files(entries, folder) if entries[p][0] in FILE_MODES]
    tree = selection.trees.get(folder) if folder else selection.tree
    trees = [tree] if tree else []
    if folder is None or scope == "report":
        return report, trees if report else []
    prefix = folder + "/"
    blobs = {
        sha
        for path, (mode, sha) in entries.items()
        if path.startswith(prefix)
        and mode in FILE_MODES
        and (scope == "folder" or posixpath.splitext(path)[1].lower() in IMAGE_EXTENSIONS)
    }
    return sorted(blobs | set(report)), trees


def _by_deadline(lines: list[str], deadline: datetime | None) -> tuple[list[str] | None, str | None]:
    """From `log` lines (`sha NUL tree NUL date`, newest first): the first dated at or before `deadline`
    (any, without one), and the newest-dated commit after the deadline below it (`3f2a9c1 of 2025-01-26`)."""
    chosen: list[str] | None = None
    late: tuple[datetime, str] | None = None
    for line in lines:
        parts = line.strip().split("\0")
        if len(parts) != 3:
            continue
        when = datetime.fromisoformat(parts[2])
        if chosen is None:
            if deadline is None or when <= deadline:
                chosen = parts
        elif deadline is not None and when > deadline and (late is None or when > late[0]):
            late = (when, parts[0])
    return chosen, f"{late[1][:7]} of {late[0]:%Y-%m-%d}" if late else None


def report_stand_in(entries: Entries, report_path: str) -> str | None:
    """The one file that is plainly the report handed in at the wrong path (see `report_candidates`);
    None when there is none, or several."""
    found = report_candidates(entries, report_path)
    return found[0] if len(found) == 1 else None


def report_candidates(entries: Entries, report_path: str) -> list[str]:
    """Files that could be the report when `report_path` is not one: the same path in another case
    (`reports/readme.md`, `Reports/README.md`), else files of the same name in a folder named like the
    report's (`report/README.md`)."""
    files = [p for p, (mode, _) in entries.items() if mode in FILE_MODES]
    same = sorted(p for p in files if p.lower() == report_path.lower() and p != report_path)
    if same:
        return same
    folder, name = posixpath.split(report_path.lower())
    stem = posixpath.basename(folder).rstrip("s")
    if not stem:
        return []
    return sorted(
        p
        for p in files
        if posixpath.basename(p).lower() == name
        and (d := posixpath.dirname(p).lower()) != folder
        and posixpath.basename(d).startswith(stem)
    )


def keep_ref(cohort: str, group: int) -> str:
    """The ref that keeps a group's last good commit: refs/cohort-archive/good/<cohort>/<group>."""
    safe = re.sub(r"[^A-Za-z0-9_-]+", "_", cohort).strip("_") or "cohort"
    return f"refs/cohort-archive/good/{safe}/{group}"


def _safe_rev(ref: str) -> bool:
    if not ref or ref.startswith(("-", "/", ".")) or ref.endswith((".", "/", ".lock")):
        return False
    return not (".." in ref or "@{" in ref or re.search(r"[\x00-\x20\x7f~^:?*\[\\]", ref))
