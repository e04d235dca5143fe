"""Resolve a link or image destination written in a report to a path in the repository tree.

Pure: works over a RepoTree's file list and `is_symlink`, never reads file contents and never looks
outside the tree. Handles report-relative and `/`-rooted paths, percent-encoding, `<angle>` paths,
`./`, query strings and fragments, Unicode NFC/NFD differences, case differences (reported), paths
written from the repo root without a slash (reported), and github.com blob/raw and
raw.githubusercontent.com URLs into the same repository (branch names may contain slashes).
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from typing import Literal
from urllib.parse import unquote, urlsplit

from cohort_archive.model import Figure, RepoTree

LocationStatus = Literal["file", "dir", "missing", "unsafe", "external", "anchor"]

ROOT_FALLBACK_NOTE = "written relative to the repository root, not to the report's folder"
UNICODE_NOTE = "matched after Unicode normalisation (NFC/NFD) of the file name"

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_GITHUB_HOSTS = {"github.com", "www.github.com"}
_RAW_HOSTS = {"raw.githubusercontent.com"}
_MEDIA_HOST = "media.githubusercontent.com"


@dataclass(frozen=True)
class Location:
    """Where a destination leads.

    status: "file"/"dir" (in the tree; `path` set), "missing", "unsafe" (escapes the tree, goes through a
    symlink, or uses a non-web scheme), "external" (a URL elsewhere), "anchor" (`#...` on the same page).
    """

    status: LocationStatus
    path: str | None = None
    case_mismatch: bool = False
    note: str | None = None
    fragment: str = ""  # "#..." written after a local path, kept on rewritten links
    guess: str | None = None  # the repo path the destination names, when missing (for links)


@dataclass(frozen=True)
class Repo:
    """owner/name of a GitHub repository, parsed from its URL."""

    owner: str
    name: str

    @property
    def url(self) -> str:
        return f"https://github.com/{self.owner}/{self.name}"

    def same(self, owner: str, name: str) -> bool:
        mine = (self.owner.casefold(), self.name.casefold())
        return (owner.casefold(), _strip_git(name).casefold()) == mine


def parse_repo_url(repo_url: str | None) -> Repo | None:
    """`https://github.com/OWNER/NAME(.git)`, `git@github.com:OWNER/NAME.git` -> Repo; None otherwise."""
    if not repo_url:
        return None
    url = repo_url.strip()
    m = re.match(r"^git@github\.com:([^/]+)/([^/]+?)/?$", url, re.IGNORECASE)
    if m:
        return Repo(m.group(1), _strip_git(m.group(2)))
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    segs = [s for s in parts.path.split("/") if s]
    if host in _GITHUB_HOSTS and len(segs) >= 2:
        return Repo(segs[0], _strip_git(segs[1]))
    return None


def _strip_git(name: str) -> str:
    return name[:-4] if name.lower().endswith(".git") else name


def _nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


class TreeIndex:
    """Lookup tables over one RepoTree's file list (exact, NFC and case-folded; files and folders)."""

    def __init__(self, tree: RepoTree) -> None:
        self.tree = tree
        self.files = set(tree.files())
        self.dirs: set[str] = set()
        for path in self.files:
            parent = posixpath.dirname(path)
            while parent and parent not in self.dirs:
                self.dirs.add(parent)
                parent = posixpath.dirname(parent)
        self._nfc: dict[str, list[str]] = defaultdict(list)
        self._fold: dict[str, list[str]] = defaultdict(list)
        for path in sorted(self.files | self.dirs):
            self._nfc[_nfc(path)].append(path)
            self._fold[_nfc(path).casefold()].append(path)

    def through_symlink(self, path: str) -> bool:
        """Whether `path` or any folder on the way to it is a symlink."""
        parts = path.split("/")
        return any(self.tree.is_symlink("/".join(parts[:k])) for k in range(1, len(parts) + 1))

    def exact(self, path: str) -> tuple[str, bool] | None:
        """(path, unicode-normalised?) for an exact or NFC/NFD-equivalent match."""
        if path in self.files or path in self.dirs:
            return path, False
        hits = self._nfc.get(_nfc(path), [])
        return (hits[0], True) if len(hits) == 1 else None

    def folded(self, path: str) -> str | None:
        """The unique path equal to `path` ignoring case (and Unicode normalisation), if any."""
        hits = self._fold.get(_nfc(path).casefold(), [])
        return hits[0] if len(hits) == 1 else None

    def location(self, path: str) -> Location:
        """A found path's Location: file or folder."""
        return Location("dir" if path in self.dirs and path not in self.files else "file", path)


def locate(
    dest: str,
    index: TreeIndex,
    *,
    report_path: str = "reports/README.md",
    repo: Repo | None = None,
    links: bool = False,
) -> Location:
    """Where the destination `dest` (as written in the report at `report_path`) leads.

    With `links=True` a symlink is an ordinary target (a link to it is harmless: nothing is read);
    for images it is "unsafe".
    """
    s = dest.strip()
    if s.startswith("<") and s.endswith(">") and len(s) >= 2:
        s = s[1:-1].strip()
    if not s:
        return Location("missing")
    if s.startswith("#"):
        return Location("anchor", fragment=s)
    if "\x00" in s:
        return Location("unsafe")
    if s.startswith("//"):
        s = "https:" + s
    scheme = _SCHEME.match(s)
    if scheme:
        if scheme.group(1).lower() not in ("http", "https"):
            return Location("unsafe")
        candidates = _same_repo_candidates(s, repo)
        if candidates is None:
            return Location("external")
        return _find(index, [(c, None) for c in candidates], links=links, guess=candidates[0])

    path, fragment = _split_suffix(s)
    report_dir = posixpath.dirname(report_path)
    rooted = path.startswith("/")
    found: Location | None = None
    for variant in _variants(path):
        if "\x00" in variant:
            return Location("unsafe")
        base = variant.lstrip("/") if rooted else posixpath.join(report_dir, variant)
        primary = _normalise(base)
        if primary is None:
            return Location("unsafe", fragment=fragment)
        tries: list[tuple[str, str | None]] = [(primary, None)]
        if not rooted and report_dir:
            fallback = _normalise(variant)
            if fallback is not None and fallback != primary:
                tries.append((fallback, ROOT_FALLBACK_NOTE))
        loc = _find(index, tries, links=links, guess=primary)
        if loc.status != "missing":
            return _with_fragment(loc, fragment)
        found = found or loc
    return _with_fragment(found or Location("missing"), fragment)


def resolve_ref(
    ref: str,
    tree: RepoTree,
    *,
    report_path: str = "reports/README.md",
    repo_url: str | None = None,
    index: TreeIndex | None = None,
) -> Figure:
    """Resolve an image reference to a Figure (status resolved / case-mismatch / missing / external / unsafe).

    `index` lets callers resolving many references share one TreeIndex over `tree`.
    """
    return figure_for(ref, locate_image(ref, index or TreeIndex(tree), report_path, parse_repo_url(repo_url)))


def locate_image(ref: str, index: TreeIndex, report_path: str, repo: Repo | None) -> Location:
    """`locate` for an image: a folder or an in-page anchor is not an image, so it is missing."""
    loc = locate(ref, index, report_path=report_path, repo=repo)
    if loc.status in ("dir", "anchor"):
        return Location("missing", note=loc.note)
    return loc


def figure_for(ref: str, loc: Location) -> Figure:
    """The Figure for an image reference that led to `loc`."""
    if loc.status == "file":
        return Figure(ref=ref, status="case-mismatch" if loc.case_mismatch else "resolved", path=loc.path)
    status = loc.status if loc.status in ("missing", "unsafe", "external") else "missing"
    return Figure(ref=ref, status=status)  # type: ignore[arg-type]


# --- helpers ---------------------------------------------------------------------------------------


def _find(
    index: TreeIndex, tries: list[tuple[str, str | None]], *, links: bool, guess: str | None
) -> Location:
    """Look the candidate paths up: exact (and NFC) for all of them first, then ignoring case."""
    if not links:
        for path, _ in tries[:1]:
            if index.through_symlink(path):
                return Location("unsafe")
    for path, note in tries:
        hit = index.exact(path)
        if hit is not None:
            real, normalised = hit
            return _checked(index, real, note or (UNICODE_NOTE if normalised else None), False, links)
    for path, note in tries:
        real = index.folded(path)
        if real is not None:
            return _checked(index, real, note, True, links)
    for path, _ in tries[1:]:
        if not links and index.through_symlink(path):
            return Location("unsafe")
    return Location("missing", guess=guess)


def _checked(index: TreeIndex, path: str, note: str | None, case: bool, links: bool) -> Location:
    if not links and index.through_symlink(path):
        return Location("unsafe")
    loc = index.location(path)
    return Location(loc.status, path, case_mismatch=case, note=note)


def _with_fragment(loc: Location, fragment: str) -> Location:
    if not fragment:
        return loc
    return Location(loc.status, loc.path, loc.case_mismatch, loc.note, fragment, loc.guess)


def _split_suffix(path: str) -> tuple[str, str]:
    """Split off `?query` (dropped) and `#fragment` (returned)."""
    fragment = ""
    if "#" in path:
        path, _, frag = path.partition("#")
        fragment = "#" + frag
    path = path.partition("?")[0]
    return path, fragment


def _variants(path: str) -> list[str]:
    """Ways to read the written path: percent-decoded, as written, with backslash escapes removed."""
    unescaped = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", path)
    out: list[str] = []
    for v in (unquote(unescaped), unescaped, path, unquote(path)):
        if v not in out:
            out.append(v)
    return out


def _normalise(path: str) -> str | None:
    """posixpath-normalised repo path, or None when it escapes the repository root."""
    if path.startswith("/"):
        return None
    norm = posixpath.normpath(path) if path else "."
    if norm == ".." or norm.startswith("../") or norm.startswith("/"):
        return None
    return "" if norm == "." else norm


def _same_repo_candidates(url: str, repo: Repo | None) -> list[str] | None:
    """Repo paths an absolute URL may name when it points into `repo`'s files; None when it does not.

    The branch (or commit) segment comes first and may itself contain slashes, so every split is a
    candidate, shortest branch first.
    """
    if repo is None:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    segs = [unquote(s) for s in parts.path.split("/") if s]
    rest: list[str] | None = None
    if host in _GITHUB_HOSTS and len(segs) >= 5 and segs[2] in ("blob", "raw"):
        if repo.same(segs[0], segs[1]):
            rest = segs[3:]
    elif host in _RAW_HOSTS and len(segs) >= 4:
        if repo.same(segs[0], segs[1]):
            rest = segs[2:]
    elif host == _MEDIA_HOST and len(segs) >= 5 and segs[0] == "media" and repo.same(segs[1], segs[2]):
        rest = segs[3:]
    if rest is None:
        return None
    candidates = []
    for k in range(1, len(rest)):
        norm = _normalise("/".join(rest[k:]))
        if norm:
            candidates.append(norm)
    return candidates or None
