"""Write the site's search index: a Pagefind bundle under `<site>/pagefind/`.

One custom record per answered answer (see `records.py`) plus the hand-written pages from `docs/`
(their built HTML, the article only). The browser loads only the parts of the bundle a query needs.
Indexing can start while MkDocs renders (`start`), and an unchanged archive reuses the last bundle
(`cache_dir`, see `cache.py`).
"""

from __future__ import annotations

import contextlib
import json
import logging
import shutil
import threading
import time
from collections.abc import Iterable
from pathlib import Path

from ..archive import Archive
from .cache import BundleCache, Entry, pages_key, records_key
from .docs import built_html_path, hand_written_pages, mark_page
from .pagefind import PagefindService
from .records import PageUrl, SearchRecord, answer_records, facet_labels

log = logging.getLogger(__name__)

BUNDLE_DIR = "pagefind"  # <site>/pagefind/pagefind.js: the UI imports it relative to the site root
FACETS_FILE = "cohort-archive-facets.json"  # facet display names, written into the bundle folder
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


class SearchIndexer:
    """Builds the Pagefind bundle of a built site.

    Simplest use, after the build: `SearchIndexer(site_dir, archive, page_url, config).run()`.

    To take indexing off the build's critical path, call `start(pages)` as soon as the archive and the URLs
    are known (MkDocs `on_files`): the answers are indexed by the Pagefind process on another core while MkDocs
    renders. Hand in the built HTML of each hand-written page with `add_page(url, html)` (`on_post_page`);
    once every URL in `pages` has arrived the bundle is written, still in the background. `run()` (in
    `on_post_build`) waits for it, reads any missing page from disk, and swaps the bundle in. `cancel()` stops
    a started indexer whose build failed.

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
        self.cache = BundleCache(cache_dir) if cache_dir else None
        self.from_cache = False
        self.archive = archive
        self.page_url = page_url
        docs = getattr(config, "docs_dir", None)
        self.docs_dir = Path(docs) if docs else None
        self.use_directory_urls = bool(getattr(config, "use_directory_urls", True))
        self.errors: list[str] = []
        self.records_indexed = 0
        self.pages_indexed = 0
        self._fresh = self.site_dir / f".{BUNDLE_DIR}.new"
        self._expected: set[str] = set()
        self._pages: dict[str, str] = {}  # site-relative URL -> built HTML
        self._lock = threading.Lock()
        self._pages_ready = threading.Event()
        self._cancelled = False
        self._thread: threading.Thread | None = None
        self._outcome: tuple[dict[str, int], list[str]] | BaseException | None = None
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
        self.from_cache = False
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
        shutil.rmtree(self._fresh, ignore_errors=True)
        self._reset()

    def _work(self) -> None:
        try:
            shutil.rmtree(self._fresh, ignore_errors=True)
            records = self.records()
            rkey = records_key(records, INDEX_CONFIG) if self.cache else ""
            cached = self.cache.lookup(rkey) if self.cache else None
            with contextlib.ExitStack() as stack:
                service = None
                if cached is None:  # index the answers while MkDocs builds the pages
                    service = stack.enter_context(PagefindService(INDEX_CONFIG))
                    self._add_records(service, records)
                self._pages_ready.wait()
                if self._cancelled:
                    return
                with self._lock:
                    pages = dict(self._pages)
                pkey = pages_key(pages) if self.cache else ""
                if cached is not None and cached.pages == pkey and self.cache:
                    self.cache.restore(self._fresh)
                    self.from_cache = True
                    self._outcome = (dict(cached.indexed), [])
                    return
                if service is None:
                    service = stack.enter_context(PagefindService(INDEX_CONFIG))
                    self._add_records(service, records)
                for url, html in sorted(pages.items()):
                    service.add_html(url=f"/{url}", html=mark_page(html))
                indexed, errors = service.write(self._fresh.resolve())
            for name in UNUSED_FILES:
                (self._fresh / name).unlink(missing_ok=True)
            if self.cache and not errors:
                self.cache.store(self._fresh, Entry(rkey, pkey, indexed))
            self._outcome = (indexed, errors)
        except BaseException as exc:  # handed to run(); a failed index must not fail the build
            self._outcome = exc

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
        """Finish (or do) the whole index: wait, write, swap the bundle in; a one-line summary."""
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
            shutil.rmtree(self._fresh, ignore_errors=True)
            log.warning("search index not built: %s", outcome)
            return f"NOT built ({outcome}); the search page will say so"
        indexed, self.errors = outcome
        fresh, bundle = self._fresh, self.site_dir / BUNDLE_DIR
        for error in self.errors:
            log.warning("search index: %s", error)
        (fresh / FACETS_FILE).write_text(
            json.dumps(facet_labels(self.archive), ensure_ascii=False, separators=(",", ":")),
            encoding="utf-8",
        )
        old = self.site_dir / f".{BUNDLE_DIR}.old"
        shutil.rmtree(old, ignore_errors=True)
        if bundle.exists():
            bundle.rename(old)
        fresh.rename(bundle)
        shutil.rmtree(old, ignore_errors=True)
        self.records_indexed, self.pages_indexed = indexed["record"], indexed["html"]
        files = [p for p in bundle.rglob("*") if p.is_file()]
        size = sum(p.stat().st_size for p in files)
        errors = f", {len(self.errors)} refused" if self.errors else ""
        waited = time.monotonic() - t0
        total = time.monotonic() - self._started_at
        how = "unchanged, from the cache" if self.from_cache else "indexing"
        return (
            f"{self.records_indexed} answers and {self.pages_indexed} pages{errors}; "
            f"{size / 1e6:.1f} MB in {len(files)} files ({how} {total:.1f} s, "
            f"of which {waited:.1f} s after the pages were built)"
        )
