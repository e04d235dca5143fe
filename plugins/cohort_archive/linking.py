"""Putting cached files into the site: hard links where the file system allows, else copies.

Cached files (page HTML, figures, search bundles) are never changed in place, so a link is as good as a
copy and costs no bytes.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path


def link_or_copy(source: Path | str, target: Path | str) -> None:
    """Put `source` at `target` (replacing what is there): a hard link where possible, else a copy."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def link_tree(source: Path, target: Path) -> None:
    """Put the folder `source` at `target` (merged into what is there), file by file as `link_or_copy`."""
    shutil.copytree(source, target, copy_function=link_or_copy, dirs_exist_ok=True)
