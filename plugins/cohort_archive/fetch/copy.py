"""Copying files out of the cached repositories (the figures a site shows), downloading what is missing.

`copy_all` is meant to run in a small worker process (see the plugin): the git processes it starts are
then forked from that process, not from the build's, which holds the whole archive in memory.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..background import lower_priority
from ..figures.lfs import is_pointer
from ..figures.svg import UnsafeSvg, clean_svg
from ..model import RepoTree

Job = tuple[str, RepoTree, dict[Path, str]]  # group key, its tree, target file -> repo path


def copy_files(key: str, tree: RepoTree, missing: dict[Path, str]) -> list[str]:
    """Write each repo file of `missing` (target -> repo path) from `tree`, downloading what is not in
    the cache in one request; returns warnings (group and file named). Targets appear whole or not at all."""
    warnings: list[str] = []
    prefetch = getattr(tree, "prefetch", None)
    try:
        if prefetch is not None:
            prefetch(sorted(set(missing.values())))
        for target, repo_path in missing.items():
            data = tree.read(repo_path)
            if data is None:
                continue
            if is_pointer(data):  # in Git LFS although no .gitattributes says so
                warnings.append(f"{key}: {repo_path} is a Git LFS pointer, not an image; not shown")
                continue
            if target.suffix.lower() == ".svg":  # served from the site's origin: no script may come along
                try:
                    data, removed = clean_svg(data)
                except UnsafeSvg as exc:
                    warnings.append(f"{key}: {repo_path}: {exc}; not shown")
                    continue
                if removed:
                    warnings.append(f"{key}: {repo_path}: {removed} scripts, event handlers or links removed")
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(f".{target.name}.tmp")
            tmp.write_bytes(data)
            tmp.replace(target)
    finally:  # its blob reader (git cat-file) is not needed again
        close = getattr(tree, "close", None)
        if close is not None:
            close()
    return warnings


def copy_all(jobs: list[Job], workers: int) -> list[str]:
    """`copy_files` for every job, `workers` at a time, at a lower CPU priority; all warnings."""
    with ThreadPoolExecutor(max_workers=max(1, workers), initializer=lower_priority) as pool:
        return [w for found in pool.map(lambda job: copy_files(*job), jobs) for w in found]
