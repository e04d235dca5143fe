"""Copying files out of the cached repositories (the figures a site shows), downloading what is missing.

`copy_all` is meant to run in a small worker process (see the plugin): the git processes it starts are
then forked from that process, not from the build's, which holds the whole archive in memory.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from ..background import lower_priority
from ..figures.lfs import is_pointer
from ..figures.svg import UnsafeSvg, clean_svg
from ..model import RepoTree

Job = tuple[str, RepoTree, dict[Path, str]]  # group key, its tree, target file -> repo path

# what image files start with (a browser shows any of them whatever the extension says)
_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"BM")


@dataclass(frozen=True)
class CopyNote:
    """Something to tell about one referenced file: `refused` says why it was not written ("lfs": a Git LFS
    pointer; "not-image": other content; "svg": an SVG that cannot be cleaned), None for a note only."""

    key: str  # group key
    repo_path: str
    message: str  # names the group and the file
    refused: str | None = None

    def __str__(self) -> str:
        return self.message


def looks_like_image(data: bytes) -> bool:
    """Whether `data` starts like a raster image (PNG, JPEG, GIF, BMP, WebP)."""
    return data.startswith(_MAGIC) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")


def copy_files(key: str, tree: RepoTree, missing: dict[Path, str]) -> list[CopyNote]:
    """Write each repo file of `missing` (target -> repo path) from `tree`, downloading what is not in
    the cache in one request; returns notes (group and file named). Targets appear whole or not at all."""
    notes: list[CopyNote] = []
    prefetch = getattr(tree, "prefetch", None)
    try:
        if prefetch is not None:
            prefetch(sorted(set(missing.values())))
        for target, repo_path in missing.items():
            data = tree.read(repo_path)
            if data is None:
                continue
            if is_pointer(data):  # in Git LFS although no .gitattributes says so
                message = f"{key}: {repo_path} is a Git LFS pointer, not an image; not copied"
                notes.append(CopyNote(key, repo_path, message, "lfs"))
                continue
            if target.suffix.lower() == ".svg":  # served from the site's origin: no script may come along
                try:
                    data, removed = clean_svg(data)
                except UnsafeSvg as exc:
                    notes.append(CopyNote(key, repo_path, f"{key}: {repo_path}: {exc}; not shown", "svg"))
                    continue
                if removed:
                    message = f"{key}: {repo_path}: {removed} scripts, event handlers or links removed"
                    notes.append(CopyNote(key, repo_path, message))
            elif not looks_like_image(data):
                message = f"{key}: {repo_path} is not an image (it starts with {data[:12]!r}); not copied"
                notes.append(CopyNote(key, repo_path, message, "not-image"))
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(f".{target.name}.tmp")
            tmp.write_bytes(data)
            tmp.replace(target)
    finally:  # its blob reader (git cat-file) is not needed again
        close = getattr(tree, "close", None)
        if close is not None:
            close()
    return notes


def copy_all(jobs: list[Job], workers: int) -> list[CopyNote]:
    """`copy_files` for every job, `workers` at a time, at a lower CPU priority; all notes."""
    with ThreadPoolExecutor(max_workers=max(1, workers), initializer=lower_priority) as pool:
        return [n for found in pool.map(lambda job: copy_files(*job), jobs) for n in found]
