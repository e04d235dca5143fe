"""The fetch layer: roster entries in, `Snapshot`s (a chosen commit and a read-only tree) out.

    from cohort_archive.fetch import FetchOptions, fetch_all
    snapshots = fetch_all(rosters, FetchOptions(cache_dir=Path(".cache/repos")), progress=print)

Modules: `run` (the flow, `fetch_all`), `repo` (git operations on one cached repository and how a
commit is chosen), `cache` (on-disk layout, state file, locks), `tree` (`GitTree`, the `RepoTree`),
`gitenv` (how URL rewrites and a token reach git, redaction), `gitcmd` (running git through GitPython),
`options` (`FetchOptions`, `effective_mode`). Needs git 2.31 or newer (`GIT_CONFIG_COUNT`).
"""

from __future__ import annotations

from .cache import normalise_url, repo_key
from .gitenv import redact
from .options import FetchOptions, Mode, effective_mode
from .run import describe, fetch_all
from .tree import GitTree, close_readers

__all__ = [
    "FetchOptions",
    "GitTree",
    "Mode",
    "close_readers",
    "describe",
    "effective_mode",
    "fetch_all",
    "normalise_url",
    "redact",
    "repo_key",
]
