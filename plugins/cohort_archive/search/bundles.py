"""Writing the Pagefind bundles, one after another, in a worker process of their own.

The indexer (`indexer.py`) runs in the build process beside MkDocs; everything that costs CPU here (the
answers' HTML to text, feeding Pagefind its records and reading its answers, checking, renaming and caching
the written files) would otherwise take turns with MkDocs' page rendering on that process's one interpreter
lock. `write_bundles` runs in a worker process instead and talks to the indexer over a pipe:

    indexer -> worker   BundleJob, one per bundle, the main bundle last; then the hand-written pages of
                        the main bundle (a dict url -> HTML), or None to stop
    worker -> indexer   ("fed", [url, ...])     the main bundle's records are with Pagefind
                        ("done", BundlesDone)   or ("failed", exception)

With a `cache_dir`, each bundle is kept under a digest of exactly what went into it (its records, the
hand-written pages for the main one, the index settings, Pagefind's version) and reused while that is
unchanged: editing `docs/` re-indexes the main bundle only, a new commit of one group its cohort's.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Protocol

from ..linking import link_tree
from .compact import compact_fragment_names
from .docs import mark_page
from .pagefind import INDEX_CHUNK_SIZE, INDEX_CHUNK_SIZE_ENV, PagefindError, PagefindService, one_cpu
from .records import SearchRecord
from .text import html_to_text

COHORTS_DIR = "cohorts"  # <site>/pagefind/cohorts/<cohort id>/: the bundles merged into the main one
LANGUAGE = "en"
INDEX_CONFIG = {
    "root_selector": "article",  # hand-written pages: the article only, not the nav or the header
    "exclude_selectors": [
        ".headerlink",
        ".md-content__button",
        ".md-source-file",
        "nav",
        "[data-ca-nosearch]",
    ],
    "force_language": LANGUAGE,
    "write_playground": False,
}
# Pagefind's ready-made UIs and the stemmer-less WebAssembly: the site uses its own UI (search.js) and
# indexes everything as English, so these are never requested; dropping them keeps the deploy small.
UNUSED_FILES = (
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-highlight.js",
    "wasm.unknown.pagefind",
)
CACHE_FORMAT = "2"  # bump when what a bundle holds changes without its inputs changing
# What a merged bundle keeps (the rest, pagefind.js and the WebAssembly included, comes from the main one).
MERGED_KEEP = ("pagefind-entry.json", "*.pf_meta", "index", "filter", "fragment")


class Cancelled(Protocol):
    """What tells the worker to stop: a multiprocessing.Event (or a threading.Event in the fallback)."""

    def is_set(self) -> bool: ...


@dataclass
class BundleJob:
    """One bundle to write: its folder relative to `<site>/pagefind/` ("" for the main one, which also
    takes the hand-written pages), its records (content: the answer's HTML) and index chunk size."""

    path: str
    records: list[SearchRecord]
    chunk_size: int = INDEX_CHUNK_SIZE

    @property
    def main(self) -> bool:
        return not self.path


@dataclass
class BundlesDone:
    """What `write_bundles` made: counts by kind ("record", "html"), refused records, bundles reused, and
    the CPU seconds the worker process and its Pagefind processes used (None when not in a process of its
    own)."""

    indexed: dict[str, int] = field(default_factory=lambda: {"record": 0, "html": 0})
    errors: list[str] = field(default_factory=list)
    reused: int = 0
    cpu_s: float | None = None


def as_text(records: list[SearchRecord]) -> list[SearchRecord]:
    """The records with their HTML content as plain text; those left without any text are dropped."""
    out = []
    for record in records:
        text = html_to_text(record.content)
        if text:
            out.append(SearchRecord(record.url, text, record.meta, record.filters))
    return out


def write_bundles(
    conn: Connection,
    cancelled: Cancelled,
    stage: Path,
    cache_dir: Path | None,
    binary: Path | None,
    own_process: bool = False,
) -> None:
    """The worker: write each BundleJob that arrives on `conn` under `stage` (see the module).

    `own_process`: the worker is a process of its own, whose CPU time (with its Pagefind processes') is
    what indexing costs; it is reported in `BundlesDone.cpu_s`.
    """
    message: tuple[str, object]
    try:
        done = _write_all(conn, cancelled, stage, cache_dir, binary)
        if done is not None and own_process:
            done.cpu_s = process_cpu_s()
        message = ("done", done)
    except BaseException as exc:  # the indexer reports it; a failed index never fails the build
        message = ("failed", exc)
    with contextlib.suppress(OSError):  # the indexer is gone: nobody to tell
        try:
            conn.send(message)
        except Exception:  # an exception that cannot be pickled (nothing was sent)
            conn.send(("failed", PagefindError(repr(message[1]))))
    conn.close()


def process_cpu_s() -> float | None:
    """User + system CPU seconds of this process and its ended children (None where not counted)."""
    try:
        import resource
    except ImportError:  # not on POSIX
        return None
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _write_all(
    conn: Connection, cancelled: Cancelled, stage: Path, cache_dir: Path | None, binary: Path | None
) -> BundlesDone | None:
    """Every bundle, the main one last; None when stopped (`cancelled`, or None instead of a job)."""
    shutil.rmtree(stage, ignore_errors=True)
    cache = BundleCache(cache_dir) if cache_dir else None
    done = BundlesDone()
    while not cancelled.is_set():
        job: BundleJob | None = conn.recv()
        if job is None:
            return None
        written = _write_one(job, conn, cancelled, stage, cache, binary)
        if written is None:
            return None
        indexed, refused, reused = written
        for kind, n in indexed.items():
            done.indexed[kind] += n
        done.errors += refused
        done.reused += reused
        if job.main:
            break
    else:
        return None
    if cache:
        cache.prune()
    main_dir = stage / "main"
    for name in UNUSED_FILES:
        (main_dir / name).unlink(missing_ok=True)
    if (stage / COHORTS_DIR).is_dir():
        (stage / COHORTS_DIR).rename(main_dir / COHORTS_DIR)
    return done


def _write_one(
    job: BundleJob,
    conn: Connection,
    cancelled: Cancelled,
    stage: Path,
    cache: BundleCache | None,
    binary: Path | None,
) -> tuple[dict[str, int], list[str], bool] | None:
    """Write (or take from the cache) one bundle: (counts, refused records, reused); None when stopped."""
    records = as_text(job.records)
    records_key = records_digest(records, job.chunk_size) if cache else ""
    service: PagefindService | None = None

    def start() -> PagefindService:
        started = _started(records, job.chunk_size, binary, cancelled)
        if job.main:
            conn.send(("fed", [r.url for r in records]))
        return started

    try:
        pages: dict[str, str] | None = {}
        if job.main:
            # the newest cohort's records go in while MkDocs still builds the hand-written pages, unless
            # a cached bundle holds them (then the pages decide on its reuse)
            if not (cache and cache.has_records(records_key)):
                service = start()
            pages = conn.recv()
        if pages is None or cancelled.is_set():
            return None
        out = stage / ("main" if job.main else job.path)
        out.parent.mkdir(parents=True, exist_ok=True)
        key = bundle_key(records_key, pages) if cache else ""
        if cache:
            cache.used.add(key)
            cached = cache.get(key)
            if cached is not None:
                cache.link(key, out)
                return (*cached, True)
        service = service or start()
        for url, html in sorted(pages.items()):
            service.add_html(url=f"/{url}", html=mark_page(html))
        if cancelled.is_set():
            return None
        indexed, refused = service.write(out.resolve())
        compact_fragment_names(out, salt=job.path)
        if not job.main:
            _strip_merged(out)
        if cache:
            cache.store(key, out, indexed, refused)
        return indexed, refused, False
    finally:
        if service is not None:
            service.close()


def _started(
    records: list[SearchRecord], size: int, binary: Path | None, cancelled: Cancelled
) -> PagefindService:
    """A Pagefind process (index chunk size `size`, on one core) that has been given `records`."""
    if binary is None:
        raise PagefindError("the Pagefind binary was not found (install `pagefind[bin]`)")
    env = {INDEX_CHUNK_SIZE_ENV: str(size)} if size != INDEX_CHUNK_SIZE else None
    service = PagefindService(INDEX_CONFIG, binary=binary, env=env, cpus=one_cpu())
    try:
        for record in records:
            if cancelled.is_set():
                break
            service.add_record(
                url=record.url,
                content=record.content,
                meta=record.meta,
                filters=record.filters,
                language=LANGUAGE,
            )
        service.flush()
    except BaseException:
        service.close()
        raise
    return service


def _strip_merged(folder: Path) -> None:
    """Drop what a merged bundle never serves (pagefind.js, WebAssembly, the UIs)."""
    for path in folder.iterdir():
        if not any(path.match(pattern) for pattern in MERGED_KEEP):
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()


# -- the bundle cache ----------------------------------------------------------------------------------


class BundleCache:
    """Written bundles under `<cache_dir>/<records digest>-<pages digest>/` (`bundle/` and `info.json`)."""

    def __init__(self, cache_dir: Path) -> None:
        self.dir = cache_dir
        self.used: set[str] = set()  # the keys of this run: `prune` keeps these only
        self._token = f"{os.getpid()}-{id(self):x}"

    def has_records(self, records_key: str) -> bool:
        """Whether a cached bundle was made from these records (with whatever pages; see `bundle_key`)."""
        if not records_key or not self.dir.is_dir():
            return False
        return any(path.name.startswith(f"{records_key}-") for path in self.dir.iterdir())

    def get(self, key: str) -> tuple[dict[str, int], list[str]] | None:
        try:
            info = json.loads((self.dir / key / "info.json").read_text(encoding="utf-8"))
            return dict(info["indexed"]), list(info["errors"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def link(self, key: str, target: Path) -> None:
        link_tree(self.dir / key / "bundle", target)

    def store(self, key: str, bundle: Path, indexed: dict[str, int], errors: list[str]) -> None:
        """Keep a bundle that was written without refused records (a cache that cannot be written only
        costs the next build time)."""
        if errors:
            return
        tmp = self.dir / f".{key}.{self._token}"
        try:
            shutil.rmtree(tmp, ignore_errors=True)
            link_tree(bundle, tmp / "bundle")
            (tmp / "info.json").write_text(
                json.dumps({"indexed": indexed, "errors": errors}), encoding="utf-8"
            )
            shutil.rmtree(self.dir / key, ignore_errors=True)
            tmp.rename(self.dir / key)
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)

    def prune(self) -> None:
        """Keep the bundles of this run only."""
        if not self.dir.is_dir():
            return
        for path in self.dir.iterdir():
            if path.name not in self.used and not path.name.startswith("."):
                shutil.rmtree(path, ignore_errors=True)


def _pagefind_version() -> str:
    try:
        return version("pagefind")
    except PackageNotFoundError:  # pragma: no cover - a binary from PATH
        return "unknown"


def records_digest(records: list[SearchRecord], chunk: int) -> str:
    """A digest of a bundle's records and the index settings."""
    digest = hashlib.sha256()
    head = [CACHE_FORMAT, _pagefind_version(), INDEX_CONFIG, chunk, LANGUAGE, sorted(UNUSED_FILES)]
    digest.update(json.dumps(head, sort_keys=True).encode())
    encode = json.JSONEncoder(sort_keys=True, ensure_ascii=False).encode
    for record in records:  # every field of SearchRecord, without asdict's deep copy
        digest.update(encode([record.url, record.content, record.meta, record.filters]).encode())
        digest.update(b"\0")
    return digest.hexdigest()[:32]


def bundle_key(records_key: str, pages: dict[str, str]) -> str:
    """A digest of everything a bundle is made from: `<records key>-<pages digest>`."""
    digest = hashlib.sha256()
    for url, html in sorted(pages.items()):
        digest.update(f"\1{url}\2".encode())
        digest.update(html.encode())
    return f"{records_key}-{digest.hexdigest()[:16]}"
