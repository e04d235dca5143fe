"""How a fetch run behaves: where the cache lives, how many workers, network or not."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Mode = Literal["auto", "offline", "refresh", "missing"]
Prefetch = Literal["folder", "images", "report"]
OFFLINE_ENV = "COHORT_OFFLINE"


@dataclass
class FetchOptions:
    """Options of `fetch_all`.

    mode: `auto` asks each remote for its refs and fetches only what changed; `refresh` always runs
    `git fetch`; `offline` never touches the network (cache only); `missing` clones repos that are not
    in the cache yet and leaves cached ones as they are (what `mkdocs serve` uses: it never re-clones and
    never updates). `COHORT_OFFLINE=1` forces offline.
    token_env: environment variable with a GitHub token for private https://github.com repos
    (`GITHUB_TOKEN` is tried as well); it is handed to git through the environment, never stored.
    url_rewrites: prefix -> replacement, like git's `url.<replacement>.insteadOf=<prefix>`.
    prefetch: what is downloaded with each chosen commit, in one request per repository: `folder`
    every file under the report's folder (`reports/`, figures included: later reads need no network
    and offline rebuilds have them); `images` the report and the images under its folder (what the
    site will show, in the same request, whatever the report references); `report` only the report
    file (a cheaper first fetch; a tree downloads the rest of the folder in one request when a file
    there is first read).
    timeout: seconds one git network command may take before it is stopped (None: no limit).
    """

    cache_dir: Path
    workers: int = 8
    mode: Mode = "auto"
    token_env: str = "GH_TOKEN"
    url_rewrites: dict[str, str] = field(default_factory=dict)
    report_path: str = "reports/README.md"
    prefetch: Prefetch = "folder"
    timeout: float | None = 600.0


def effective_mode(options: FetchOptions) -> Mode:
    """The mode to use: `offline` when COHORT_OFFLINE is set to a true value, else `options.mode`."""
    flag = os.environ.get(OFFLINE_ENV, "").strip().lower()
    if flag and flag not in ("0", "false", "no", "off"):
        return "offline"
    return options.mode
