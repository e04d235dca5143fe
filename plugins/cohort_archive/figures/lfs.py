"""Images stored with Git LFS: the repository holds a small pointer file, the picture is on GitHub's LFS host.

Which files are in LFS is what the repository's `.gitattributes` say (`*.png filter=lfs ...`), read with
git's rules: a pattern without a slash matches the file name in any folder below the attributes file,
one with a slash matches the path from that folder (`*`, `?`, `[...]`, `**`); a later line, or a file in a
deeper folder, overrides an earlier one (`-filter`, `!filter`, `filter=other`). Pure functions.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING
from urllib.parse import quote

if TYPE_CHECKING:
    from cohort_archive.model import RepoTree

ATTRIBUTES = ".gitattributes"
POINTER = b"version https://git-lfs.github.com/spec/v1"
GITHUB = "https://github.com"

Rule = tuple[str, re.Pattern[str], bool, bool]  # folder, pattern, matches names only, in LFS


def attribute_files(files: Iterable[str], folder: str | None) -> list[str]:
    """The `.gitattributes` that can decide about `folder` (the report's) and the root: shallowest first.

    These few small files are fetched with the report; attributes elsewhere are not read.
    """
    inside = f"{folder}/" if folder else ""
    out = []
    for path in files:
        if posixpath.basename(path) != ATTRIBUTES:
            continue
        where = posixpath.dirname(path)
        if not where or (folder and (inside.startswith(f"{where}/") or path.startswith(inside))):
            out.append(path)
    return sorted(out, key=lambda p: (p.count("/"), p))


def read_attributes(tree: RepoTree, report_path: str, files: Iterable[str] | None = None) -> dict[str, bytes]:
    """The `attribute_files` of the report's folder that `tree` can read, with their bytes (`files`: the
    tree's listing, when the caller has it already)."""
    folder = posixpath.dirname(report_path.strip("/")) or None
    paths = attribute_files(tree.files() if files is None else files, folder)
    return {p: data for p in paths if (data := tree.read(p)) is not None}


def lfs_rule(attributes: Mapping[str, bytes | None]) -> Callable[[str], bool]:
    """A test `path -> stored with LFS` from the given `.gitattributes` contents (path -> bytes)."""
    rules: list[Rule] = []
    for path in sorted(attributes, key=lambda p: (p.count("/"), p)):
        data = attributes[path]
        if data:
            rules += _rules(posixpath.dirname(path), data.decode("utf-8", "replace"))
    if not rules:
        return lambda _path: False

    def stored_with_lfs(path: str) -> bool:
        found = False
        for folder, pattern, name_only, lfs in rules:
            if folder and not path.startswith(f"{folder}/"):
                continue
            rest = path[len(folder) + 1 :] if folder else path
            if pattern.fullmatch(posixpath.basename(rest) if name_only else rest):
                found = lfs
        return found

    return stored_with_lfs


def is_pointer(data: bytes) -> bool:
    """Whether a blob is an LFS pointer file rather than the file itself."""
    return data.startswith(POINTER)


def raw_url(owner: str, name: str, commit: str, path: str) -> str:
    """GitHub's raw address of `path` at `commit` (public repositories): it sends an LFS file's content
    from the LFS host (media.githubusercontent.com) and a file that is not in LFS after all (`git lfs
    track` added after it was committed) as it is, so the attributes need not be right."""
    return f"{GITHUB}/{owner}/{name}/raw/{commit}/{quote(path)}"


def _rules(folder: str, text: str) -> list[Rule]:
    out: list[Rule] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(("#", "[attr]")):
            continue
        pattern, *attrs = line.split()
        lfs: bool | None = None
        for attr in attrs:
            if attr == "filter=lfs":
                lfs = True
            elif attr in ("-filter", "!filter") or attr.startswith("filter="):
                lfs = False
        if lfs is None or pattern.startswith("!"):  # no say on `filter`; negative patterns are not allowed
            continue
        if pattern.endswith("/"):  # a folder pattern matches no file (git does not recurse for attributes)
            continue
        name_only = "/" not in pattern
        out.append((folder, re.compile(_glob(pattern.lstrip("/"))), name_only, lfs))
    return out


def _glob(pattern: str) -> str:
    """A gitattributes glob as a regular expression over a slash-separated path."""
    out, i, n = [], 0, len(pattern)
    while i < n:
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("/**", i) and i + 3 == n:
            out.append("/.*")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        elif pattern[i] == "[" and (end := pattern.find("]", i + 2)) != -1:
            body = pattern[i + 1 : end]
            body = "^" + body[1:] if body.startswith("!") else body
            out.append(f"[{body.replace(chr(92), chr(92) * 2)}]")
            i = end + 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return "".join(out)
