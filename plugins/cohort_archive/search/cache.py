"""The last written Pagefind bundle, kept beside the clone cache: an unchanged archive is not indexed again.

The key is a digest of everything that goes into the index (every record, every hand-written page's HTML,
the index settings and Pagefind's version), in two parts: the records are known when indexing starts, the
pages only once MkDocs has built them. One bundle is kept; files are hard-linked into the site when the cache
and the site share a file system, copied otherwise.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from .records import SearchRecord

VERSION = "1"  # bump when the records or the bundle layout change in a way the digests do not see


def _pagefind_version() -> str:
    for dist in ("pagefind_bin", "pagefind_bin_extended", "pagefind"):
        try:
            return f"{dist}=={metadata.version(dist)}"
        except metadata.PackageNotFoundError:
            continue
    return "unknown"


def records_key(records: Iterable[SearchRecord], settings: Mapping[str, object]) -> str:
    digest = hashlib.sha256(f"{VERSION}|{_pagefind_version()}|".encode())
    digest.update(json.dumps(settings, sort_keys=True).encode())
    for r in records:
        digest.update(json.dumps([r.url, r.content, r.meta, r.filters], sort_keys=True).encode())
        digest.update(b"\0")
    return digest.hexdigest()


def pages_key(pages: Mapping[str, str]) -> str:
    digest = hashlib.sha256()
    for url in sorted(pages):
        digest.update(url.encode() + b"\0" + pages[url].encode("utf-8", "replace") + b"\0")
    return digest.hexdigest()


@dataclass
class Entry:
    records: str
    pages: str
    indexed: dict[str, int]


class BundleCache:
    """`<directory>/bundle/` (the files) and `<directory>/bundle.json` (its keys and counts)."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.bundle = self.directory / "bundle"
        self.meta = self.directory / "bundle.json"

    def lookup(self, records: str) -> Entry | None:
        """The cached entry when it was built from these records (its pages may still differ)."""
        try:
            data = json.loads(self.meta.read_text(encoding="utf-8"))
            entry = Entry(data["records"], data["pages"], {k: int(v) for k, v in data["indexed"].items()})
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None
        return entry if entry.records == records and self.bundle.is_dir() else None

    def restore(self, target: Path) -> None:
        """Put the cached bundle's files at `target` (which must not exist)."""
        _mirror(self.bundle, target)

    def store(self, source: Path, entry: Entry) -> None:
        """Keep a copy of the bundle at `source` (best effort: a full disk only costs the next build time)."""
        tmp = self.directory / "bundle.new"
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            self.meta.unlink(missing_ok=True)
            shutil.rmtree(tmp, ignore_errors=True)
            _mirror(source, tmp)
            shutil.rmtree(self.bundle, ignore_errors=True)
            tmp.rename(self.bundle)
            data = {"records": entry.records, "pages": entry.pages, "indexed": entry.indexed}
            self.meta.write_text(json.dumps(data), encoding="utf-8")
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)


def _mirror(source: Path, target: Path) -> None:
    """Copy a directory tree, hard-linking files where the file system allows it."""
    link = True
    for folder, _dirs, files in os.walk(source):
        rel = Path(folder).relative_to(source)
        (target / rel).mkdir(parents=True, exist_ok=True)
        for name in files:
            src, dst = Path(folder) / name, target / rel / name
            if link:
                try:
                    os.link(src, dst)
                    continue
                except OSError:
                    link = False
            shutil.copy2(src, dst)
