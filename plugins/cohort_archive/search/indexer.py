"""Write the site's search index: Pagefind bundles under `<site>/pagefind/`, one per cohort.

One custom record per answered answer (see `records.py`) plus the hand-written pages from `docs/`
(their built HTML, the article only). Pagefind's memory grows with the records of a bundle (about 80 KB
per record while it writes the files), so each cohort is indexed into a bundle of its own, by one Pagefind
process at a time: the build's peak is one cohort's, not the whole archive's. That process runs on one
core (`one_cpu`): it costs less CPU there and leaves the other cores to MkDocs.

    <site>/pagefind/                         the main bundle: hand-written pages + the newest cohort,
                                             pagefind.js and its WebAssembly, FACETS_FILE
    <site>/pagefind/cohorts/<cohort id>/     every other cohort (index, filters, fragments only)

FACETS_FILE lists the bundles (`bundles`); the browser (search.js) loads the main bundle and merges the
others with Pagefind's `mergeIndex`. Indexing can start while MkDocs renders (`start`): the older cohorts
are indexed while the pages are built, and the main bundle's records go in too; it is written once the
hand-written pages are in.

The bundles are written by a worker process (`bundles.write_bundles`), so that none of that work takes
turns with MkDocs on the build process's interpreter lock; this module plans them, hands the worker its
records and pages, and swaps the finished bundles into the site. Each bundle's fragments are renamed short
(`compact.py`): the `pf_meta` file every first query loads shrinks by about 40 %. Unchanged bundles are
reused from the cache (`bundles.BundleCache`).
"""

from __future__ import annotations

import contextlib
import json
import logging
import multiprocessing
import os
import shutil
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from ..archive import Archive
from .bundles import COHORTS_DIR, BundleJob, BundlesDone, write_bundles
from .docs import built_html_path, hand_written_pages
from .pagefind import INDEX_CHUNK_SIZE, PagefindError, file_sizes, pagefind_binary
from .records import COHORT, PageUrl, SearchRecord, answer_records, facet_labels

log = logging.getLogger(__name__)

BUNDLE_DIR = "pagefind"  # <site>/pagefind/pagefind.js: the UI imports it relative to the site root
FACETS_FILE = "cohort-archive-facets.json"  # facet display names and the bundle list, in the main bundle
SKIP_PAGES = frozenset({"search.md"})
MIN_CHUNK_SIZE = 2_000  # a small cohort beside big ones: not hundreds of tiny chunks


@dataclass
class Bundle:
    """One Pagefind bundle: its folder relative to `<site>/pagefind/` ("" for the main one)."""

    path: str
    cohorts: list[str]
    records: list[SearchRecord] = field(default_factory=list)


def plan_bundles(records: list[SearchRecord]) -> list[Bundle]:
    """The main bundle (the first cohort's records, newest first) and one bundle per other cohort."""
    by_cohort: dict[str, list[SearchRecord]] = {}
    for record in records:  # answer_records: newest cohort first
        cohort = (record.filters.get(COHORT) or [""])[0]
        by_cohort.setdefault(cohort, []).append(record)
    bundles = [Bundle("", [])]
    for i, (cohort, rows) in enumerate(by_cohort.items()):
        if i == 0:
            bundles[0].cohorts, bundles[0].records = [cohort], rows
        else:
            bundles.append(Bundle(f"{COHORTS_DIR}/{cohort}/", [cohort], rows))
    return bundles


def chunk_size(records: int, total: int) -> int:
    """Word positions per index chunk for a bundle of `records` of the archive's `total`.

    The browser loads, for each query word, one chunk from every bundle. Each bundle gets its share of
    Pagefind's default chunk size, so a query loads about as many index bytes from all the bundles together as
    from one bundle of the whole archive, and the index is cut into as many chunks as that one bundle would be
    (prefix matches, "data" finding "dataset", stop at chunk edges: as many edges, as many misses).
    """
    if total <= 0 or records >= total:
        return INDEX_CHUNK_SIZE
    return max(MIN_CHUNK_SIZE, INDEX_CHUNK_SIZE * records // total)


class SearchIndexer:
    """Builds the Pagefind bundles of a built site.

    Simplest use, after the build: `SearchIndexer(site_dir, archive, page_url, config).run()`.

    To take indexing off the build's critical path, call `start(pages)` as soon as the archive and the URLs
    are known (MkDocs `on_files`): the answers are indexed by a Pagefind process on another core while MkDocs
    renders. Hand in the built HTML of each hand-written page with `add_page(url, html)` (`on_post_page`);
    once every URL in `pages` has arrived the main bundle is written, still in the background. `run()` (in
    `on_post_build`) waits for it, reads any missing page from disk, and swaps the bundles in. `cancel()`
    stops a started indexer whose build failed.

    `config` is only read for `docs_dir` and `use_directory_urls` (an MkDocsConfig or any object with those
    attributes; None: no hand-written pages). `run()` never raises on a Pagefind failure: it returns the
    reason, as the stats string, and leaves any previous bundle in place.
    """

    def __init__(
        self,
        site_dir: Path,
        archive: Archive,
        page_url: PageUrl,
        config: object | None = None,
        *,
        cache_dir: Path | None = None,
    ) -> None:
        self.site_dir = Path(site_dir)
        self.cache_dir = Path(cache_dir) if cache_dir else None
        self.reused = 0  # bundles taken from the cache by the last run
        self.archive = archive
        self.page_url = page_url
        docs = getattr(config, "docs_dir", None)
        self.docs_dir = Path(docs) if docs else None
        self.use_directory_urls = bool(getattr(config, "use_directory_urls", True))
        self.errors: list[str] = []
        self.records_indexed = 0
        self.pages_indexed = 0
        # CPU seconds the last run's indexing used: the records made and sent in the build process, the
        # worker and its Pagefind processes (None when the worker ran as a thread, uncounted)
        self.cpu_s: float | None = None
        self._thread_cpu = 0.0
        self.bundles: list[str] = []  # folders of the last run's bundles, relative to <site>/pagefind/
        self.fed: list[str] = []  # URLs of the main bundle's records, as the worker handed them to Pagefind
        # <stage>/main: the main bundle, <stage>/cohorts: the others; named per indexer, as two indexers of one
        # site (a build's and a hook's) must not write into each other's folder
        self._token = f"{os.getpid()}-{id(self):x}"
        self._stage = self.site_dir / f".{BUNDLE_DIR}.new-{self._token}"
        self._expected: set[str] = set()
        self._pages: dict[str, str] = {}  # site-relative URL -> built HTML
        self._lock = threading.Lock()
        self._pages_ready = threading.Event()
        self._cancelled = False
        self._thread: threading.Thread | None = None
        self._outcome: tuple[BundlesDone, list[Bundle]] | BaseException | None = None
        self._worker: _Worker | None = None
        self._started_at = 0.0

    def pages(self) -> list[tuple[str, Path]]:
        """The hand-written pages as (site-relative URL, built HTML file) found on disk."""
        if self.docs_dir is None:
            return []
        return hand_written_pages(self.docs_dir, self.site_dir, self.use_directory_urls, skip=SKIP_PAGES)

    def _reset(self) -> None:
        """Ready for another start()/run() (each run indexes the archive afresh)."""
        self._thread, self._outcome, self._worker = None, None, None
        self._expected, self._pages = set(), {}
        self._pages_ready.clear()
        self._cancelled = False

    # -- background use --------------------------------------------------------------------------------

    def start(self, pages: Iterable[str] = ()) -> None:
        """Start indexing the answers now; `pages`: site-relative URLs `add_page` will bring."""
        if self._thread is not None:
            return
        self._started_at = time.monotonic()
        self.fed = []
        with self._lock:
            self._expected = {u for u in pages if u not in self._pages}
            if not self._expected:
                self._pages_ready.set()
        self._thread = threading.Thread(target=self._work, name="search-index", daemon=True)
        self._thread.start()

    def add_page(self, url: str, html: str) -> None:
        """A hand-written page's built HTML (the whole document; only its article is indexed)."""
        with self._lock:
            self._pages[url] = html
            self._expected.discard(url)
            if not self._expected:
                self._pages_ready.set()

    def cancel(self) -> None:
        """Stop a started indexer (the build failed); nothing is written to the site."""
        self._cancelled = True
        if self._worker is not None:
            self._worker.cancelled.set()
        self._pages_ready.set()
        if self._thread is not None:
            self._thread.join()
        shutil.rmtree(self._stage, ignore_errors=True)
        self._reset()

    def _work(self) -> None:
        """Hand the bundles to a worker (`bundles.write_bundles`), then the pages once all are in."""
        self._thread_cpu = 0.0
        t0 = time.thread_time()
        try:
            # the answers' HTML as it is: the worker makes it text
            bundles = plan_bundles(answer_records(self.archive, self.page_url, to_text=str))
            total = sum(len(b.records) for b in bundles)
            jobs = [BundleJob(b.path, b.records, chunk_size(len(b.records), total)) for b in bundles]
            for bundle in bundles:
                bundle.records = []
            self._worker = worker = _Worker(self._stage, self.cache_dir, pagefind_binary())
            try:
                self._outcome = (self._talk(worker.conn, [*jobs[1:], jobs[0]]), bundles)
            finally:
                worker.join()
        except BaseException as exc:  # handed to run(); a failed index must not fail the build
            self._outcome = exc
        finally:
            self._thread_cpu = time.thread_time() - t0

    def _talk(self, conn: Connection, jobs: list[BundleJob]) -> BundlesDone:
        """Send the worker its jobs (the main bundle last), then the pages; its answer."""
        finished: list[BundlesDone | BaseException | None] = []

        def receive() -> None:
            kind, value = conn.recv()
            if kind == "fed":
                self.fed += value
            else:
                finished.append(value)

        try:
            for job in jobs:  # each waits in the pipe until the worker is done with the one before
                conn.send(None if self._cancelled else job)
            while not finished and not self._pages_ready.is_set():
                if conn.poll(0.05):
                    receive()
            if not finished:
                with self._lock:
                    pages = None if self._cancelled else dict(self._pages)
                conn.send(pages)
            while not finished:
                receive()
        except (EOFError, OSError) as exc:  # the worker is gone; it may have said why
            with contextlib.suppress(EOFError, OSError):
                while not finished and conn.poll():
                    receive()
            if not finished:
                raise PagefindError(f"the search index worker ended early ({exc!r})") from exc
        outcome = finished[0]
        if isinstance(outcome, BaseException):
            raise outcome
        if outcome is None:
            raise PagefindError("cancelled")
        return outcome

    # -- finishing -------------------------------------------------------------------------------------

    def run(self) -> str:
        """Finish (or do) the whole index: wait, write, swap the bundles in; a one-line summary."""
        t0 = time.monotonic()
        if self._thread is None:
            for url, path in self.pages():
                self.add_page(url, path.read_text(encoding="utf-8", errors="replace"))
            self.start()
        else:
            with self._lock:
                missing = sorted(self._expected)
            for url in missing:  # never handed in (a failed page?): take the built file
                path = built_html_path(self.site_dir, url, self.use_directory_urls)
                if path.is_file():
                    self.add_page(url, path.read_text(encoding="utf-8", errors="replace"))
            self._pages_ready.set()
        assert self._thread is not None
        self._thread.join()
        outcome = self._outcome
        self._reset()
        if not isinstance(outcome, tuple):
            shutil.rmtree(self._stage, ignore_errors=True)
            log.warning("search index not built: %s", outcome)
            return f"NOT built ({outcome}); the search page will say so"
        done, bundles = outcome
        indexed, self.errors, self.reused = done.indexed, done.errors, done.reused
        self.cpu_s = None if done.cpu_s is None else done.cpu_s + self._thread_cpu
        fresh, target = self._stage / "main", self.site_dir / BUNDLE_DIR
        for error in self.errors:
            log.warning("search index: %s", error)
        facets = {
            **facet_labels(self.archive),
            "bundles": [{"path": b.path, "cohorts": b.cohorts} for b in bundles],
        }
        (fresh / FACETS_FILE).write_text(
            json.dumps(facets, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
        )
        old = self.site_dir / f".{BUNDLE_DIR}.old-{self._token}"
        shutil.rmtree(old, ignore_errors=True)
        if target.exists():
            target.rename(old)
        fresh.rename(target)
        shutil.rmtree(old, ignore_errors=True)
        shutil.rmtree(self._stage, ignore_errors=True)
        self.bundles = [b.path for b in bundles]
        self.records_indexed, self.pages_indexed = indexed["record"], indexed["html"]
        files = file_sizes(target)  # one scan: this runs after the pages, on the build's critical path
        size = sum(files.values())
        errors = f", {len(self.errors)} refused" if self.errors else ""
        waited = time.monotonic() - t0
        total = time.monotonic() - self._started_at
        reused = f", {self.reused} unchanged (reused)" if self.reused else ""
        cpu = "" if self.cpu_s is None else f", {self.cpu_s:.1f} CPU-s"
        return (
            f"{self.records_indexed} answers and {self.pages_indexed} pages{errors}; "
            f"{size / 1e6:.1f} MB in {len(files)} files, {len(bundles)} bundles{reused} (indexing {total:.1f} s, "
            f"of which {waited:.1f} s after the pages were built{cpu})"
        )


class _Worker:
    """`bundles.write_bundles` in a process of its own (forkserver: not a copy of the build process), or,
    where no such process can be had, in a thread; `conn` is this side of its pipe."""

    def __init__(self, stage: Path, cache_dir: Path | None, binary: Path | None) -> None:
        try:
            context = multiprocessing.get_context("forkserver")
            self.conn, theirs = context.Pipe()
            self.cancelled: threading.Event | Any = context.Event()
            args = (theirs, self.cancelled, stage, cache_dir, binary, True)
            self._runner: multiprocessing.Process | threading.Thread = context.Process(
                target=write_bundles, args=args, name="cohort-archive-search", daemon=True
            )
            self._runner.start()
            theirs.close()
        except (ValueError, OSError) as exc:  # no forkserver (or no semaphores) here
            log.debug(f"search bundles are written in the build process ({exc})")
            self.conn, theirs = multiprocessing.Pipe()
            self.cancelled = threading.Event()
            args = (theirs, self.cancelled, stage, cache_dir, binary)
            self._runner = threading.Thread(
                target=write_bundles, args=args, name="search-bundles", daemon=True
            )
            self._runner.start()

    def join(self) -> None:
        """Wait for the worker to end (closing this side first: a worker waiting for more gets EOF)."""
        self.conn.close()
        self._runner.join()
