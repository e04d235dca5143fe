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

Each bundle's fragments are renamed short (`compact.py`): the `pf_meta` file every first query loads
shrinks by about 40 %.

With a `cache_dir`, each bundle is kept under a digest of exactly what went into it (its records, the
hand-written pages for the main one, the index settings, Pagefind's version) and reused while that is
unchanged: editing `docs/` re-indexes the main bundle only, a new commit of one group its cohort's.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from ..archive import Archive
from ..linking import link_tree
from .compact import compact_fragment_names
from .docs import built_html_path, hand_written_pages, mark_page
from .pagefind import INDEX_CHUNK_SIZE, INDEX_CHUNK_SIZE_ENV, PagefindService, one_cpu
from .records import COHORT, PageUrl, SearchRecord, answer_records, facet_labels

log = logging.getLogger(__name__)

BUNDLE_DIR = "pagefind"  # <site>/pagefind/pagefind.js: the UI imports it relative to the site root
COHORTS_DIR = "cohorts"  # <site>/pagefind/cohorts/<cohort id>/: the bundles merged into the main one
FACETS_FILE = "cohort-archive-facets.json"  # facet display names and the bundle list, in the main bundle
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
SKIP_PAGES = frozenset({"search.md"})
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
MIN_CHUNK_SIZE = 2_000  # a small cohort beside big ones: not hundreds of tiny chunks
# What a merged bundle keeps (the rest, pagefind.js and the WebAssembly included, comes from the main one).
MERGED_KEEP = ("pagefind-entry.json", "*.pf_meta", "index", "filter", "fragment")


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


def _strip_merged(folder: Path) -> None:
    """Drop what a merged bundle never serves (pagefind.js, WebAssembly, the UIs)."""
    for path in folder.iterdir():
        if not any(path.match(pattern) for pattern in MERGED_KEEP):
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()


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
        self.bundles: list[str] = []  # folders of the last run's bundles, relative to <site>/pagefind/
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
        self._outcome: tuple[dict[str, int], list[str], list[Bundle]] | BaseException | None = None
        self._started_at = 0.0

    def records(self) -> list[SearchRecord]:
        return answer_records(self.archive, self.page_url)

    def pages(self) -> list[tuple[str, Path]]:
        """The hand-written pages as (site-relative URL, built HTML file) found on disk."""
        if self.docs_dir is None:
            return []
        return hand_written_pages(self.docs_dir, self.site_dir, self.use_directory_urls, skip=SKIP_PAGES)

    def _reset(self) -> None:
        """Ready for another start()/run() (each run indexes the archive afresh)."""
        self._thread, self._outcome = None, None
        self._expected, self._pages = set(), {}
        self._pages_ready.clear()
        self._cancelled = False

    # -- background use --------------------------------------------------------------------------------

    def start(self, pages: Iterable[str] = ()) -> None:
        """Start indexing the answers now; `pages`: site-relative URLs `add_page` will bring."""
        if self._thread is not None:
            return
        self._started_at = time.monotonic()
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
        self._pages_ready.set()
        if self._thread is not None:
            self._thread.join()
        shutil.rmtree(self._stage, ignore_errors=True)
        self._reset()

    def _work(self) -> None:
        try:
            shutil.rmtree(self._stage, ignore_errors=True)
            self.reused = 0
            bundles = plan_bundles(self.records())
            total = sum(len(b.records) for b in bundles)
            indexed = {"record": 0, "html": 0}
            errors: list[str] = []
            used: set[str] = set()
            # one Pagefind process at a time: the older cohorts while MkDocs renders, the main bundle last
            for bundle in [*bundles[1:], bundles[0]]:
                main = not bundle.path
                size = chunk_size(len(bundle.records), total)
                records_key = _records_key(bundle.records, size) if self.cache_dir else ""
                service: PagefindService | None = None
                try:
                    pages: dict[str, str] = {}
                    if main:
                        # the newest cohort's records go in while MkDocs still builds the hand-written
                        # pages, unless a cached bundle holds them (then the pages decide on its reuse)
                        if not self._records_cached(records_key):
                            service = self._started(bundle.records, size)
                        self._pages_ready.wait()
                        with self._lock:
                            pages = dict(self._pages)
                    if self._cancelled:
                        return
                    out = self._stage / ("main" if main else bundle.path)
                    out.parent.mkdir(parents=True, exist_ok=True)
                    key = _bundle_key(records_key, pages) if self.cache_dir else ""
                    used.add(key)
                    cached = self._cached(key)
                    if cached is not None:
                        counts, refused = cached
                        link_tree(self.cache_dir / key / "bundle", out)  # type: ignore[operator]
                        self.reused += 1
                    else:
                        service = service or self._started(bundle.records, size)
                        for url, html in sorted(pages.items()):
                            service.add_html(url=f"/{url}", html=mark_page(html))
                        if self._cancelled:
                            return
                        counts, refused = service.write(out.resolve())
                        compact_fragment_names(out, salt=bundle.path)
                        if not main:
                            _strip_merged(out)
                        self._store(key, out, counts, refused)
                finally:
                    if service is not None:
                        service.close()
                bundle.records = []
                for kind, n in counts.items():
                    indexed[kind] += n
                errors += refused
            self._prune(used)
            main_dir = self._stage / "main"
            for name in UNUSED_FILES:
                (main_dir / name).unlink(missing_ok=True)
            if len(bundles) > 1:
                (self._stage / COHORTS_DIR).rename(main_dir / COHORTS_DIR)
            self._outcome = (indexed, errors, bundles)
        except BaseException as exc:  # handed to run(); a failed index must not fail the build
            self._outcome = exc

    def _started(self, records: list[SearchRecord], size: int) -> PagefindService:
        """A Pagefind process (index chunk size `size`) that has been given `records`."""
        env = {INDEX_CHUNK_SIZE_ENV: str(size)} if size != INDEX_CHUNK_SIZE else None
        service = PagefindService(INDEX_CONFIG, env=env, cpus=one_cpu())
        try:
            self._add_records(service, records)
        except BaseException:
            service.close()
            raise
        return service

    # -- the bundle cache ------------------------------------------------------------------------------

    def _records_cached(self, records_key: str) -> bool:
        """Whether a cached bundle was made from these records (with whatever pages; see `_bundle_key`)."""
        if not self.cache_dir or not records_key or not self.cache_dir.is_dir():
            return False
        return any(path.name.startswith(f"{records_key}-") for path in self.cache_dir.iterdir())

    def _cached(self, key: str) -> tuple[dict[str, int], list[str]] | None:
        if not self.cache_dir or not key:
            return None
        try:
            info = json.loads((self.cache_dir / key / "info.json").read_text(encoding="utf-8"))
            return dict(info["indexed"]), list(info["errors"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _store(self, key: str, bundle: Path, indexed: dict[str, int], errors: list[str]) -> None:
        if not self.cache_dir or not key or errors:
            return
        tmp = self.cache_dir / f".{key}.{self._token}"
        try:
            shutil.rmtree(tmp, ignore_errors=True)
            link_tree(bundle, tmp / "bundle")
            (tmp / "info.json").write_text(
                json.dumps({"indexed": indexed, "errors": errors}), encoding="utf-8"
            )
            shutil.rmtree(self.cache_dir / key, ignore_errors=True)
            tmp.rename(self.cache_dir / key)
        except OSError as exc:  # a cache that cannot be written only costs the next build time
            log.info("search bundle not cached: %s", exc)
            shutil.rmtree(tmp, ignore_errors=True)

    def _prune(self, used: set[str]) -> None:
        """Keep the bundles of this run only."""
        if not self.cache_dir or not self.cache_dir.is_dir():
            return
        for path in self.cache_dir.iterdir():
            if path.name not in used and not path.name.startswith("."):
                shutil.rmtree(path, ignore_errors=True)

    def _add_records(self, service: PagefindService, records: list[SearchRecord]) -> None:
        for record in records:
            if self._cancelled:
                return
            service.add_record(
                url=record.url,
                content=record.content,
                meta=record.meta,
                filters=record.filters,
                language=LANGUAGE,
            )
        service.flush()

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
        indexed, self.errors, bundles = outcome
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
        files = [p for p in target.rglob("*") if p.is_file()]
        size = sum(p.stat().st_size for p in files)
        errors = f", {len(self.errors)} refused" if self.errors else ""
        waited = time.monotonic() - t0
        total = time.monotonic() - self._started_at
        reused = f", {self.reused} unchanged (reused)" if self.reused else ""
        return (
            f"{self.records_indexed} answers and {self.pages_indexed} pages{errors}; "
            f"{size / 1e6:.1f} MB in {len(files)} files, {len(bundles)} bundles{reused} (indexing {total:.1f} s, "
            f"of which {waited:.1f} s after the pages were built)"
        )


def _pagefind_version() -> str:
    try:
        return version("pagefind")
    except PackageNotFoundError:  # pragma: no cover - a binary from PATH
        return "unknown"


def _records_key(records: list[SearchRecord], chunk: int) -> str:
    """A digest of a bundle's records and the index settings."""
    digest = hashlib.sha256()
    head = [CACHE_FORMAT, _pagefind_version(), INDEX_CONFIG, chunk, LANGUAGE, sorted(UNUSED_FILES)]
    digest.update(json.dumps(head, sort_keys=True).encode())
    encode = json.JSONEncoder(sort_keys=True, ensure_ascii=False).encode
    for record in records:  # every field of SearchRecord, without asdict's deep copy
        digest.update(encode([record.url, record.content, record.meta, record.filters]).encode())
        digest.update(b"\0")
    return digest.hexdigest()[:32]


def _bundle_key(records_key: str, pages: dict[str, str]) -> str:
    """A digest of everything a bundle is made from: `<records key>-<pages digest>`."""
    digest = hashlib.sha256()
    for url, html in sorted(pages.items()):
        digest.update(f"\1{url}\2".encode())
        digest.update(html.encode())
    return f"{records_key}-{digest.hexdigest()[:16]}"
