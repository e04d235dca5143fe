"""The on-disk cache: one bare partial clone per repository, its state file, locks and temp space.

Layout under `cache_dir`::

    repos/<key>.git/                 bare, blob-less clone (`--filter=blob:none`) of one repository
    repos/<key>.git/cohort-archive.json   what the last complete fetch saw and chose (see `RepoState`)
    tmp/<key>.<pid>.<random>/        clones in progress; renamed into `repos/` only when complete
    locks/<key>.lock                 held (flock) while a process works on that repository

`<key>` is a filesystem-safe form of the repository URL (host and path; GitHub names fold case), so a
repository listed by two cohorts is cloned once.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .tree import close_readers

try:
    import fcntl
except ImportError:  # pragma: no cover - not on POSIX
    fcntl = None  # type: ignore[assignment]

STATE_FILE = "cohort-archive.json"
STATE_VERSION = 1
_SCP = re.compile(r"^(?P<user>[^@/:]+)@(?P<host>[^:/]+):(?P<path>.+)$")


def normalise_url(url: str) -> str:
    """A canonical form for identity: `host/path` (no scheme, user, `.git`, trailing slash)."""
    url = url.strip()
    m = _SCP.match(url)
    if m and "://" not in url:
        host, path = m["host"], m["path"]
    else:
        parts = urlsplit(url)
        if parts.scheme.lower() == "file":
            return "file:" + parts.path.rstrip("/").removesuffix(".git")
        host, path = parts.hostname or "", parts.path
    host = host.lower()
    path = path.strip("/").removesuffix(".git").rstrip("/")
    if host in ("github.com", "www.github.com", "ssh.github.com"):
        host, path = "github.com", path.lower()
    return f"{host}/{path}"


def repo_key(url: str) -> str:
    """A filesystem-safe cache key for the repository at `url`."""
    norm = normalise_url(url)
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", norm).strip("._-")[:80] or "repo"
    digest = hashlib.sha256(norm.encode()).hexdigest()[:10]
    return f"{slug}-{digest}"


@dataclass
class RepoState:
    """What a repository's last complete fetch saw (`remote`) and chose per group (`groups`)."""

    url: str = ""
    remote: dict[str, Any] | None = None  # {"head": "main", "refs": {"refs/heads/main": sha, ...}}
    groups: dict[str, dict[str, Any]] = field(default_factory=dict)  # "cohort/group" -> selection

    def to_json(self) -> str:
        data = {"version": STATE_VERSION, "url": self.url, "remote": self.remote, "groups": self.groups}
        return json.dumps(data, indent=1, sort_keys=True)


class Cache:
    """Paths and housekeeping of one cache directory."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root).absolute()
        self.repos = self.root / "repos"
        self.tmp = self.root / "tmp"
        self.locks = self.root / "locks"

    def prepare(self) -> None:
        """Create the folders and remove temp clones left by processes that are gone."""
        for folder in (self.repos, self.tmp, self.locks):
            folder.mkdir(parents=True, exist_ok=True)
        for leftover in self.tmp.iterdir():
            pid = _pid_of(leftover.name)
            if pid is None or not _alive(pid):
                shutil.rmtree(leftover, ignore_errors=True)

    def repo_dir(self, key: str) -> Path:
        return self.repos / f"{key}.git"

    def new_tmp(self, key: str) -> Path:
        return self.tmp / f"{key}.{os.getpid()}.{uuid.uuid4().hex[:8]}"

    def discard(self, path: Path) -> None:
        """Remove a directory; first moved into tmp/ so a half-deleted one is never mistaken for a repo."""
        if not path.exists():
            return
        close_readers(path)
        trash = self.tmp / f"trash-{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}"
        try:
            path.rename(trash)
        except OSError:
            trash = path
        shutil.rmtree(trash, ignore_errors=True)

    def install(self, tmp: Path, key: str) -> Path:
        """Move a complete clone from tmp/ into place (atomic rename) and return its final path."""
        final = self.repo_dir(key)
        if final.exists():
            self.discard(final)
        tmp.rename(final)
        return final

    @contextlib.contextmanager
    def lock(self, key: str) -> Iterator[None]:
        """Hold the repository's lock (blocks while another process works on it)."""
        if fcntl is None:  # pragma: no cover
            yield
            return
        with open(self.locks / f"{key}.lock", "a+b") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def looks_like_repo(path: Path) -> bool:
    """A bare repository that git can open: HEAD, objects/ and refs/ present."""
    return (path / "HEAD").is_file() and (path / "objects").is_dir() and (path / "refs").is_dir()


def read_state(git_dir: Path) -> RepoState | None:
    """The state file of a cached repository, or None when it is missing or unreadable."""
    try:
        data = json.loads((git_dir / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("version") != STATE_VERSION:
        return None
    groups = data.get("groups")
    remote = data.get("remote")
    return RepoState(
        url=str(data.get("url", "")),
        remote=remote if isinstance(remote, dict) else None,
        groups=groups if isinstance(groups, dict) else {},
    )


def write_state(git_dir: Path, state: RepoState) -> None:
    """Write the state file atomically (temp file, rename).

    No fsync: git does not sync the objects the state refers to either, and a state file lost or cut
    short by a crash only costs a refetch (`read_state` gives None). A killed build leaves the old file.
    """
    target = git_dir / STATE_FILE
    tmp = git_dir / f"{STATE_FILE}.{os.getpid()}.tmp"
    tmp.write_text(state.to_json(), encoding="utf-8")
    os.replace(tmp, target)


def remove_stale_locks(git_dir: Path) -> None:
    """Delete `*.lock` files a killed git left behind (call only while holding the cache lock)."""
    for name in ("HEAD.lock", "config.lock", "packed-refs.lock", "shallow.lock", "index.lock"):
        with contextlib.suppress(OSError):
            (git_dir / name).unlink()
    refs = git_dir / "refs"
    if refs.is_dir():
        for stale in refs.rglob("*.lock"):
            with contextlib.suppress(OSError):
                stale.unlink()


def _pid_of(name: str) -> int | None:
    parts = name.split(".")
    if len(parts) >= 3 and parts[-2].isdigit():
        return int(parts[-2])
    return None


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
