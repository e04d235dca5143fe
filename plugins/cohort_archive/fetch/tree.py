"""`GitTree`: a read-only `RepoTree` over one commit of a cached repository.

The file list comes from `git ls-tree` (no blob download). Blob bytes are read through a long-lived
`git cat-file --batch` per repository. The cache is a partial clone, so a blob may not be local yet;
since git 2.39's cat-file dies on a blob it cannot fetch, a tree first asks `git rev-list --missing=print`
(one call per folder, never any network) which blobs are absent. An absent blob is downloaded when the
tree may fetch (not offline): a miss inside the report's folder fetches every missing blob of that
folder in one request, a miss elsewhere fetches that one blob. Paths are looked up in the commit's own
listing only, so nothing outside the repository can ever be read.
"""

from __future__ import annotations

import atexit
import os
import posixpath
import subprocess
import threading
from collections import OrderedDict
from datetime import datetime
from pathlib import Path
from typing import Protocol

from .gitcmd import executable, run_git

FILE_MODES = {"100644", "100755"}
SYMLINK_MODE = "120000"

Entries = dict[str, tuple[str, str]]  # path -> (mode, object id)


class Fetcher(Protocol):
    """What a tree needs to download blobs it does not have yet (implemented by `CachedRepo`)."""

    def fetch_objects(self, shas: list[str]) -> None: ...


def parse_ls_tree(out: bytes) -> tuple[Entries, dict[str, str]]:
    """Parse `git ls-tree -r -t -z`: (non-tree entries by path, tree ids by directory path)."""
    entries: Entries = {}
    trees: dict[str, str] = {}
    for record in out.split(b"\0"):
        if not record:
            continue
        meta, _, raw_path = record.partition(b"\t")
        mode, kind, sha = meta.decode().split(" ")
        path = raw_path.decode("utf-8", "replace")
        if kind == "tree":
            trees[path] = sha
        else:
            entries[path] = (mode, sha)
    return entries, trees


def list_tree(
    git_dir: Path, commit: str, env: dict[str, str], root: str | None = None
) -> tuple[Entries, dict[str, str]]:
    """Every path of `commit` with mode and object id, plus the ids of its directories ("" = root)."""
    res = run_git(["ls-tree", "-r", "-t", "-z", "--full-tree", commit], cwd=git_dir, env=env)
    if not res.ok:
        raise OSError(f"cannot list commit {commit[:12]}: {res.err.strip()}")
    entries, trees = parse_ls_tree(res.out)
    if root is None:
        found = run_git(["rev-parse", "--verify", "--quiet", f"{commit}^{{tree}}"], cwd=git_dir, env=env)
        root = found.text().strip() if found.ok else None
    if root:
        trees[""] = root
    return entries, trees


def missing_objects(git_dir: Path, env: dict[str, str], tree_ids: list[str]) -> list[str]:
    """Objects reachable from the given trees that are not in the cache (never fetches)."""
    if not tree_ids:
        return []
    res = run_git(
        ["rev-list", "--objects", "--missing=print", "--no-object-names", *tree_ids, "--"],
        cwd=git_dir,
        env=env,
    )
    if not res.ok:
        raise OSError("cannot check the cached files: " + res.err.strip()[-200:])
    return [ln[1:] for ln in res.text().split() if ln.startswith("?")]


def first_added(git_dir: Path | str, env: dict[str, str], commit: str, path: str) -> datetime | None:
    """When `path` was first committed in `commit`'s history (committer date); local, no network."""
    clean = clean_path(path)
    if clean is None:
        return None
    res = run_git(
        ["log", "--no-renames", "--diff-filter=A", "--format=%cI", commit, "--", clean],
        cwd=Path(git_dir),
        env=env,
    )
    lines = res.text().split() if res.ok else []
    try:
        return datetime.fromisoformat(lines[-1]) if lines else None
    except ValueError:
        return None


def clean_path(path: str) -> str | None:
    """A repo-relative POSIX path, or None when it would leave the repository."""
    path = path.replace("\\", "/").strip()
    while path.startswith("./"):
        path = path[2:]
    path = path.lstrip("/")
    if not path:
        return None
    norm = posixpath.normpath(path)
    if norm in (".", "..") or norm.startswith("../"):
        return None
    return norm


class GitTree:
    """The files of `commit` in the bare repository `git_dir` (implements `model.RepoTree`).

    `env` is the no-network environment for local git calls; `fetcher` (None when offline) downloads
    missing blobs; `folder` is the report's folder; `folder_local` says the fetch layer already has
    every blob under it (prefetch scope `folder`), so reads there skip the missing-blob check, as do reads
    of `local_blobs` (blobs the fetch layer has just downloaded or found in the cache). `fresh`: the
    repository is a partial clone made by this build, so its only blobs are `local_blobs` and those this
    tree downloads: nothing asks git which blobs are missing (one process less per repository).
    """

    def __init__(
        self,
        git_dir: Path,
        commit: str,
        env: dict[str, str],
        entries: Entries | None = None,
        trees: dict[str, str] | None = None,
        *,
        fetcher: Fetcher | None = None,
        folder: str | None = None,
        folder_local: bool = False,
        local_blobs: frozenset[str] = frozenset(),
        fresh: bool = False,
    ) -> None:
        self.git_dir = Path(git_dir)
        self.commit = commit
        self._env = env
        self._entries = entries
        self._trees = trees
        self._fetcher = fetcher
        self._folder = folder
        self._folder_local = folder_local and folder is not None
        self._local_blobs = set(local_blobs)  # and every blob this tree has downloaded
        self._fresh = fresh
        self._checked: set[str] = set()  # directories whose missing blobs are known
        self._missing: set[str] = set()
        self._lock = threading.RLock()

    def __repr__(self) -> str:
        return f"GitTree({str(self.git_dir)!r}, {self.commit[:12]!r})"

    def __getstate__(self) -> dict[str, object]:
        state = self.__dict__.copy()
        del state["_lock"]  # a tree can go to another process (see `narrowed`); its lock cannot
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._lock = threading.RLock()

    def narrowed(self, paths: list[str]) -> GitTree:
        """The same tree knowing only `paths` (and the folders): small enough to hand to a worker."""
        entries = self._all()
        with self._lock:
            tree = GitTree(
                self.git_dir,
                self.commit,
                self._env,
                {p: entries[p] for p in paths if p in entries},
                dict(self._trees or {}),
                fetcher=self._fetcher,
                folder=self._folder,
                folder_local=self._folder_local,
                local_blobs=frozenset(self._local_blobs),
                fresh=self._fresh,
            )
            tree._checked, tree._missing = set(self._checked), set(self._missing)
        return tree

    # RepoTree -------------------------------------------------------------------------------------

    def read(self, path: str) -> bytes | None:
        clean = clean_path(path)
        found = self._all().get(clean) if clean else None
        if clean is None or found is None or found[0] not in FILE_MODES:
            return None
        sha = found[1]
        if not self._is_local(clean, sha) and not self._download(clean, sha):
            return None
        data = _READERS.read(self.git_dir, self._env, sha)
        return data if isinstance(data, bytes) else None

    def is_symlink(self, path: str) -> bool:
        found = self.entry(path)
        return found is not None and found[0] == SYMLINK_MODE

    def files(self) -> list[str]:
        return sorted(p for p, (mode, _sha) in self._all().items() if mode in FILE_MODES)

    # extras ---------------------------------------------------------------------------------------

    def entry(self, path: str) -> tuple[str, str] | None:
        """(mode, object id) of `path` in the commit, or None."""
        clean = clean_path(path)
        return None if clean is None else self._all().get(clean)

    def blob_id(self, path: str) -> str | None:
        """The blob id of a regular file, or None."""
        found = self.entry(path)
        return found[1] if found and found[0] in FILE_MODES else None

    def prefetch(self, paths: list[str] | None = None) -> None:
        """Download, in one request, the missing blobs of `paths` (default: the report's folder)."""
        if self._fetcher is None:
            return
        with self._lock:
            if paths is None:
                if self._folder:
                    self._fetch_dir(self._folder)
                return
            wanted = {(c, self.blob_id(c)) for c in map(clean_path, paths) if c}
            absent = sorted({sha for c, sha in wanted if sha and not self._is_local(c, sha)})
            if absent:
                self._fetcher.fetch_objects(absent)
                self._missing.difference_update(absent)
                self._local_blobs.update(absent)

    def first_added(self, path: str) -> datetime | None:
        """When `path` was first committed in this commit's history (committer date); local, no network."""
        return first_added(self.git_dir, self._env, self.commit, path)

    def listing(self) -> tuple[list[str], set[str]]:
        """(regular files, symlinks) of the commit: what figure resolution needs, without contents."""
        entries = self._all()
        return (
            sorted(p for p, (mode, _sha) in entries.items() if mode in FILE_MODES),
            {p for p, (mode, _sha) in entries.items() if mode == SYMLINK_MODE},
        )

    @property
    def local_env(self) -> dict[str, str]:
        """The no-network environment for local git calls on this repository."""
        return self._env

    def close(self) -> None:
        """Stop this repository's blob reader (it restarts on the next read)."""
        _READERS.close(self.git_dir)

    # internals ------------------------------------------------------------------------------------

    def _all(self) -> Entries:
        if self._entries is None:
            with self._lock:
                if self._entries is None:
                    root = (self._trees or {}).get("")
                    self._entries, self._trees = list_tree(self.git_dir, self.commit, self._env, root)
        return self._entries

    def _in_folder(self, path: str) -> bool:
        return bool(self._folder) and path.startswith(f"{self._folder}/")

    def _is_local(self, path: str, sha: str) -> bool:
        if (self._folder_local and self._in_folder(path)) or sha in self._local_blobs:
            return True
        with self._lock:
            if self._fresh and self._fetcher is not None:
                self._missing.add(sha)
                return False
            directory = posixpath.dirname(path)
            if sha in self._missing and self._fetcher is None:
                self._checked.discard(directory)  # another process may have fetched it since
                self._missing.discard(sha)
            if directory not in self._checked:
                tree = (self._trees or {}).get(directory)
                try:
                    self._missing.update(missing_objects(self.git_dir, self._env, [tree] if tree else []))
                except OSError:
                    return False
                self._checked.add(directory)
            return sha not in self._missing

    def _download(self, path: str, sha: str) -> bool:
        """Fetch a missing blob (its whole folder when it is in the report's folder); True if it worked."""
        if self._fetcher is None:
            return False
        with self._lock:
            if sha not in self._missing:
                return True
            try:
                if self._in_folder(path):
                    self._fetch_dir(self._folder or "")
                else:
                    self._fetcher.fetch_objects([sha])
                    self._missing.discard(sha)
                    self._local_blobs.add(sha)
            except Exception:  # a failed download reads as a missing file
                return False
            return sha not in self._missing

    def _fetch_dir(self, directory: str) -> None:
        """(lock held) Fetch every missing blob under `directory` in one request."""
        assert self._fetcher is not None
        self._all()
        tree = (self._trees or {}).get(directory)
        if not tree:
            return
        absent = missing_objects(self.git_dir, self._env, [tree])
        if absent:
            self._fetcher.fetch_objects(absent)
        self._missing.difference_update(absent)
        self._local_blobs.update(absent)


class _Missing:
    """Marker: the object is not in the cache."""


_MISSING = _Missing()


# A blob reader maps the packs it reads from (screenshots: tens of MB per repository) and keeps up to
# 96 MB of delta bases: with a few readers open while Pagefind indexes, that was a third of the build's
# peak memory. Small windows and caches bound each reader to a few MB; reads are sequential anyway.
READER_LIMITS = (
    "-c",
    "core.packedGitWindowSize=1m",
    "-c",
    "core.packedGitLimit=8m",
    "-c",
    "core.deltaBaseCacheLimit=4m",
)


class _BlobReader:
    """One `git cat-file --batch` process."""

    def __init__(self, git_dir: Path, env: dict[str, str]) -> None:
        self.lock = threading.Lock()
        full_env = {**os.environ, "LC_ALL": "C", **env}
        self.proc = subprocess.Popen(
            [executable(), *READER_LIMITS, "cat-file", "--batch"],
            cwd=git_dir,
            env=full_env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )

    def read(self, sha: str) -> bytes | _Missing | None:
        assert self.proc.stdin and self.proc.stdout
        with self.lock:
            self.proc.stdin.write(sha.encode() + b"\n")
            self.proc.stdin.flush()
            header = self.proc.stdout.readline()
            if not header:
                raise OSError("git cat-file stopped")
            parts = header.split()
            if len(parts) != 3:
                return _MISSING  # "<sha> missing"
            size = int(parts[2])
            data = self.proc.stdout.read(size)
            self.proc.stdout.read(1)
            return data if parts[1] == b"blob" else None

    def close(self) -> None:
        with self.lock:
            try:
                if self.proc.stdin:
                    self.proc.stdin.close()
                self.proc.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()


class _ReaderPool:
    """At most `limit` blob readers open at once, least recently used closed first."""

    def __init__(self, limit: int = 8) -> None:
        self.limit = limit
        self._readers: OrderedDict[tuple[str, tuple[tuple[str, str], ...]], _BlobReader] = OrderedDict()
        self._lock = threading.Lock()

    def read(self, git_dir: Path, env: dict[str, str], sha: str) -> bytes | _Missing | None:
        key = (str(git_dir), tuple(sorted(env.items())))
        for attempt in (1, 2):
            with self._lock:
                reader = self._readers.get(key)
                if reader is None or reader.proc.poll() is not None:
                    reader = _BlobReader(git_dir, env)
                    self._readers[key] = reader
                self._readers.move_to_end(key)
                evicted = []
                while len(self._readers) > self.limit:
                    evicted.append(self._readers.popitem(last=False)[1])
            for old in evicted:
                old.close()
            try:
                return reader.read(sha)
            except (OSError, ValueError):
                with self._lock:
                    if self._readers.get(key) is reader:
                        del self._readers[key]
                reader.close()
                if attempt == 2:
                    return None
        return None

    def close(self, git_dir: Path | None = None) -> None:
        with self._lock:
            keys = [k for k in self._readers if git_dir is None or k[0] == str(git_dir)]
            readers = [self._readers.pop(k) for k in keys]
        for reader in readers:
            reader.close()


_READERS = _ReaderPool()
atexit.register(_READERS.close)


def close_readers(git_dir: Path | None = None) -> None:
    """Stop the blob readers of one cached repository, or all of them (e.g. before deleting a cache)."""
    _READERS.close(git_dir)
