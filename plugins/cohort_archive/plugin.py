"""MkDocs events only: config -> files (fetch, normalise, generate) -> nav -> pages -> post_build.

Everything the events call lives in MkDocs-free modules; this file wires them into MkDocs' build.
"""

from __future__ import annotations

import dataclasses
import hashlib
import multiprocessing
import os
import pickle
import re
import shutil
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from importlib.metadata import version
from pathlib import Path
from typing import Any

from material import templates as material_templates
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation, Section, _add_parent_links, _add_previous_and_next_links
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from .archive import CACHE_VERSION, Archive, Normaliser, ReportCache, build_archive
from .config import CohortArchiveConfig
from .export import write_exports
from .fetch import FetchOptions, fetch_all
from .fetch.copy import copy_all
from .figures import figure_files
from .figures.refused import patch_pages, settle
from .lightbox import OPT_OUT, LightboxAssets
from .linking import link_or_copy
from .model import Problem, Roster, Snapshot
from .page_cache import PageCache, digest, files_digest, rendered_digest
from .pages import urls
from .pages.common import BLOCK, PageSpec
from .pages.headings import Permalinks, anchor_ids, render_headings
from .pages.home import MARKER, build_home, fill_home
from .pages.site import NavNode, SitePlan, plan_site
from .registry import Registry, load_registry
from .roster import load_rosters, settings_files

log = get_plugin_logger(__name__)

ASSETS = Path(__file__).parent / "assets"
TRUTHY = {"1", "true", "yes", "on"}
# <cache>/figures/<this>/: bump when how a figure is written changes (2: SVGs cleaned of scripts)
FIGURES_FORMAT = "v2"


def split_paths(value: str | list[str]) -> list[str]:
    """Roster paths from a list or a `:`-separated string (as `COHORT_ROSTERS` gives them)."""
    items = value if isinstance(value, list) else str(value).split(":")
    return [i.strip() for i in items if i and i.strip()]


class CohortArchivePlugin(BasePlugin[CohortArchiveConfig]):
    """Turns cohort rosters into an archive of group reports inside the MkDocs site."""

    supports_multiple_instances = False

    def __init__(self) -> None:
        self.command = "build"
        self.builds = 0
        self.archive: Archive | None = None
        self.plan: SitePlan | None = None
        self.snapshots: list[Snapshot] = []
        self.rosters: list[Roster] = []
        self.roster_stamp: tuple = ()
        self.cache: ReportCache | None = None
        self.figures: dict[str, Path] = {}  # site URI -> file on disk
        self.figures_ready: Future[dict[str, Path]] | None = None  # downloaded while MkDocs renders
        self.refused: list[tuple[str, str, str]] = []  # (group, repo path, why) of figures not copied
        self.indexer = None  # SearchIndexer at work while MkDocs renders (None: no search or cached)
        self.hand_pages: set[str] = set()  # source URIs of the hand-written pages the indexer waits for
        self.specs: dict[str, PageSpec] = {}  # page URI -> generated page (HTML, blocks, headings)
        self.answer_html: dict[tuple[str, str, int], str] = {}  # this build's answers, with lightbox links
        self.lightbox = LightboxAssets(None, None)  # glightbox's tags for generated pages (per build)
        self.page_cache: PageCache | None = None
        self.site_signature = ""
        self.reused: dict[str, tuple[File, Path]] = {}  # page URI -> (file, cached HTML)
        self.to_store: dict[str, str] = {}  # page URI -> cache key, for pages rendered this build

    # -- lifecycle -----------------------------------------------------------------------------------

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Defining on_startup keeps this instance alive across `mkdocs serve` rebuilds.
        self.command = command

    def on_serve(
        self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Callable[..., Any]
    ) -> LiveReloadServer:
        """Rebuild when a roster or its settings file changes (a folder of rosters: anything in it)."""
        if self.config.enabled:
            for path in self._roster_paths():
                for watched in (path, *settings_files(path)):
                    if watched.exists():
                        server.watch(str(watched))
            for item in split_paths(self.config.rosters):
                if (folder := self._path(item)).is_dir():
                    server.watch(str(folder))
        return server

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return None
        self.base = Path(config.config_file_path or ".").resolve().parent
        for name in ("cohort-archive.css",):
            if name not in config.extra_css:
                config.extra_css.append(f"assets/cohort-archive/{name}")
        config.extra_javascript.append("assets/cohort-archive/cohort-archive.js")
        overrides = ASSETS / "overrides"
        if overrides.is_dir() and self.config.search:
            config.theme.dirs.insert(1 if config.theme.custom_dir else 0, str(overrides))
        return config

    # -- files: fetch, normalise, generate -----------------------------------------------------------

    def _path(self, value: str) -> Path:
        path = Path(os.path.expanduser(value))
        return path if path.is_absolute() else self.base / path

    def _shown(self, where: str) -> str:
        """A path as messages name it: relative to mkdocs.yml when it lies below (no builder's folders)."""
        base = f"{self.base.resolve()}{os.sep}"
        return where[len(base) :] if where.startswith(base) else where

    def _relative(self, problem: Problem) -> Problem:
        return dataclasses.replace(problem, where=self._shown(problem.where))

    def _roster_paths(self) -> list[Path]:
        paths: list[Path] = []
        for item in split_paths(self.config.rosters):
            path = self._path(item)
            paths += sorted(path.glob("*.csv")) if path.is_dir() else [path]
        return paths

    def _fetch_mode(self) -> str:
        offline = self.config.offline
        if (
            os.environ.get("COHORT_OFFLINE", "").strip().lower() in TRUTHY
            or str(offline).strip().lower() in TRUTHY
        ):
            return "offline"
        if self.config.fetch != "auto":
            return self.config.fetch
        return "missing" if self.command == "serve" else "auto"

    def _url_rewrites(self) -> dict[str, str]:
        out = {}
        for prefix, target in self.config.url_rewrites.items():
            target = str(target)
            if "://" not in target and not target.startswith("git@"):
                target = self._path(target).resolve().as_uri().rstrip("/") + "/"
            out[str(prefix)] = target
        return out

    def _registry(self) -> Registry:
        return load_registry(self._path(self.config.templates_dir))

    def _load(self) -> None:
        """Rosters, fetch and normalise; on serve rebuilds only when a roster or its settings changed."""
        paths = self._roster_paths()
        stamp = tuple((str(p), *(_mtime(f) for f in (p, *settings_files(p)))) for p in paths)
        if self.archive is not None and stamp == self.roster_stamp:
            log.info("Reusing the archive from the previous build (no fetch, no parsing)")
            return
        t0 = time.monotonic()
        rosters, problems = load_rosters(paths)
        # messages name roster files as given, relative to mkdocs.yml: no builder's home folder in the site
        problems = [self._relative(p) for p in problems]
        for roster in rosters:
            roster.problems = [self._relative(p) for p in roster.problems]
        for problem in problems:  # bad rows are skipped and listed on the cohort page
            (log.warning if self.config.strict_reports else log.info)(str(problem))
        used = {r.path for r in rosters if r.entries}
        for path in paths:  # a whole cohort left out is not a detail: always a warning
            if str(path) not in used:
                shown = self._shown(str(path))
                mine = [p for p in problems if p.where.split(":")[0] == shown and p.severity == "error"]
                cause = mine[0].message if mine else "no usable row"
                log.warning(f"roster {shown} gives no group ({cause}); its cohort is left out")
        usable = [r for r in rosters if r.entries]
        if not usable:
            raise PluginError(
                "cohort-archive: no usable roster among " + ", ".join(str(p) for p in paths) + " (see above)"
            )
        mode = self._fetch_mode()
        if self.archive is not None and mode != "offline":  # a serve rebuild after a roster edit:
            mode = "missing"  # clone the repositories it adds, fetch nothing else
        cache_dir = self._path(self.config.cache_dir)
        options = FetchOptions(
            cache_dir=cache_dir / "repos",
            workers=self.config.workers,
            mode=mode,
            token_env=self.config.token_env,
            url_rewrites=self._url_rewrites(),
            # the report and the images beside it, in one request: a second request per repository for
            # the figures costs more (five more git processes each, on the local test "server") than the
            # few unreferenced screenshots it would leave out; at 600 groups 106-122 CPU-s against 130-138
            # (cgroup, two cold builds each, alternating). Figures elsewhere follow after parsing.
            prefetch="images",
        )
        registry = self._registry()
        if self.cache is None:
            self.cache = ReportCache(
                cache_dir / "reports", _fingerprint(self._path(self.config.templates_dir))
            )
        self.cache.hits = self.cache.misses = 0
        total = sum(len(r.entries) for r in usable)
        workers = os.cpu_count() or 1
        log.info(f"Fetching {total} group repositories (mode: {mode})")
        # each report is parsed and rendered in a worker process as soon as its repository is fetched
        with Normaliser(registry, self.cache, workers, expected=total) as normaliser:
            self.snapshots = fetch_all(usable, options, progress=log.info, on_snapshot=normaliser.submit)
            t1 = time.monotonic()
            normalised = normaliser.results()
        archive = build_archive(
            usable,
            self.snapshots,
            registry,
            self.cache,
            workers=workers,
            progress=log.info,
            normalised=normalised,
        )
        # the left-out rosters' problems and the archive's (which holds the used rosters' own): each once
        archive.problems = list(dict.fromkeys([*problems, *archive.problems]))
        t2 = time.monotonic()
        self.archive, self.rosters, self.roster_stamp = archive, usable, stamp
        self.plan = plan_site(archive, section_size=self.config.section_size)
        if self.config.search:
            from .search import search_page

            page = search_page()
            self.plan.pages.append(page)
            self.plan.nav.append(NavNode(page.title, page.uri))
        self.specs = {p.uri: p for p in self.plan.pages}
        # figures are only needed when the site is assembled (on_post_build): download them meanwhile
        background = ThreadPoolExecutor(max_workers=1, thread_name_prefix="figures")
        self.figures_ready = background.submit(
            self._materialise_figures, cache_dir / "figures" / FIGURES_FORMAT
        )
        background.shutdown(wait=False)
        self._summary(t1 - t0, t2 - t1)

    def _materialise_figures(self, directory: Path) -> dict[str, Path]:
        """Write each referenced figure once to the cache; the site hard-links it from there.

        Runs while MkDocs renders. The images under the report's folder came with the fetch; the files it
        references elsewhere are downloaded here, one request per group, groups in parallel (figures already
        cached are skipped), in a small worker process (`_in_worker`) at a lower CPU priority than MkDocs
        and the search indexer: they are needed only after the pages.
        """
        assert self.archive is not None
        self.refused = []
        if directory.parent.is_dir():  # figures written the way of an earlier version are not reused
            for old in directory.parent.iterdir():
                if old.name != directory.name:
                    shutil.rmtree(old, ignore_errors=True)
        out: dict[str, Path] = {}
        todo: list[tuple[Snapshot, dict[Path, str]]] = []
        for group in self.archive.groups():
            snap, report = group.snapshot, group.report
            if report is None or snap.tree is None or not snap.commit:
                continue
            folder = directory / group.cohort / str(group.number) / snap.commit[:12]
            missing: dict[Path, str] = {}
            for site_name, repo_path in figure_files(report).items():
                target = folder / site_name
                out[urls.figure(group.cohort, group.number, site_name)] = target
                if not target.exists():
                    missing[target] = repo_path
            if missing:
                todo.append((snap, missing))

        jobs = [(snap.key, _narrowed(snap, missing), missing) for snap, missing in todo]
        for note in _in_worker(copy_all, jobs, self.config.workers) if jobs else []:
            log.warning(str(note))
            if note.refused:
                self.refused.append((note.key, note.repo_path, note.refused))
        return {uri: path for uri, path in out.items() if path.exists()}

    def _summary(self, fetch_s: float, parse_s: float) -> None:
        assert self.archive is not None
        groups = self.archive.groups()
        status = {s: sum(g.snapshot.status == s for g in groups) for s in ("ok", "unavailable", "no-report")}
        report_problems = [p for g in groups for p in g.problems]
        level = log.warning if self.config.strict_reports else log.info
        for group in groups:
            if group.snapshot.status != "ok":
                log.info(
                    f"{group.snapshot.key}: {group.snapshot.status}: "
                    + "; ".join(p.message for p in group.snapshot.problems)
                )
        for problem in report_problems:
            if self.config.strict_reports:
                level(str(problem))
            else:
                log.debug(str(problem))
        log.info(
            f"{len(self.archive.cohorts)} cohorts, {len(groups)} groups: {status['ok']} ok, "
            f"{status['unavailable']} unavailable, {status['no-report']} without report; "
            f"{len(report_problems)} problems in reports (listed on each group page and the compliance pages); "
            f"fetch {fetch_s:.1f} s, then normalise {parse_s:.1f} s more"
        )

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        if not self.config.enabled:
            return files
        self._load()
        assert self.plan is not None and self.archive is not None
        self.builds += 1
        existing = {f.src_uri for f in files}
        if "index.md" not in existing:
            home = build_home(self.archive.cohorts, config.site_name)
            files.append(File.generated(config, home.uri, content=home.markdown))
        self.reused, self.to_store, self.answer_html = {}, {}, {}
        self.lightbox = LightboxAssets(config.plugins.get("glightbox"), config)
        cache = self._page_cache(config, files) if self.config.page_cache else None
        groups = {k: rendered_digest(r) for k, r in self.archive.rendered.items()} if cache else {}
        for page in self.plan.pages:
            if page.uri in existing:
                log.warning(f"docs/{page.uri} hides the generated page of the same name")
                continue
            key = cache.key(self.site_signature, page, groups) if cache else None
            hit = cache.get(key) if cache and key else None
            # a page with an unchanged rendering is left out of MkDocs' build and copied back afterwards
            inclusion = InclusionLevel.EXCLUDED if hit else InclusionLevel.NOT_IN_NAV
            file = File.generated(config, page.uri, content=page.markdown, inclusion=inclusion)
            files.append(file)
            if hit:
                self.reused[page.uri] = (file, hit)
            elif key:
                self.to_store[page.uri] = key
        for asset in sorted((ASSETS / "site").glob("*")):
            files.append(
                File.generated(config, f"assets/cohort-archive/{asset.name}", abs_src_path=str(asset))
            )
        self._start_search(files, config)
        return files

    def _start_search(self, files: Files, config: MkDocsConfig) -> None:
        """Index the answers in the background while MkDocs renders (unchanged bundles come from the cache)."""
        self.indexer, self.hand_pages = None, set()
        if not self.config.search or self.archive is None:
            return
        from .search import SearchIndexer
        from .search.indexer import SKIP_PAGES

        self.hand_pages = {
            f.src_uri
            for f in files.documentation_pages()
            if not f.generated_by and f.src_uri not in SKIP_PAGES
        }
        self.indexer = SearchIndexer(
            Path(config.site_dir),
            self.archive,
            self._page_url(config),
            config,
            cache_dir=self._search_cache(),
        )
        self.indexer.start(urls.page_url(uri, config.use_directory_urls) for uri in sorted(self.hand_pages))

    def _page_url(self, config: MkDocsConfig):
        """Source URI -> site-relative URL, for generated pages this build makes (else None)."""
        directory_urls = config.use_directory_urls
        built = {p.uri for p in self.plan.pages} if self.plan else set()

        def page_url(uri: str) -> str | None:
            return urls.page_url(uri, directory_urls) if uri in built else None

        return page_url

    def on_build_error(self, *, error: Exception) -> None:
        if self.indexer is not None:
            self.indexer.cancel()
            self.indexer = None

    def _page_cache(self, config: MkDocsConfig, files: Files) -> PageCache:
        """The page cache and this build's site signature (what every page's HTML depends on)."""
        assert self.plan is not None
        package = Path(__file__).parent
        theme_dirs = [
            Path(d)
            for d in config.theme.dirs
            if not str(d).startswith(str(Path(material_templates.__file__).parent))
        ]
        # hand-written pages reach generated ones only through their titles in the nav
        hand = [
            (f.src_uri, nav_title(Path(f.abs_src_path)))
            for f in files.documentation_pages()
            if f.abs_src_path
        ]
        self.site_signature = digest(
            CACHE_VERSION,
            version("mkdocs"),
            version("mkdocs-material"),
            Path(config.config_file_path).read_bytes() if config.config_file_path else b"",
            config.site_url,
            config.site_name,
            config.use_directory_urls,
            _nav_repr(self.plan.nav),
            sorted(hand),
            files_digest(
                p for p in package.rglob("*") if p.is_file() and p.suffix in (".py", ".html", ".css", ".js")
            ),
            files_digest(p for d in theme_dirs for p in d.rglob("*.html")),
        )
        cache = PageCache(self._path(self.config.cache_dir) / "pages")
        self.page_cache = cache
        return cache

    # -- navigation ----------------------------------------------------------------------------------

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        if not self.config.enabled or self.plan is None:
            return nav

        def build(node: NavNode):
            if node.uri is None:
                return Section(node.title, [build(c) for c in node.children])
            file = files.get_file_from_path(node.uri)
            assert file is not None, node.uri
            if file.page is None:  # left out of the build (cached), still in the nav
                Page(node.title, file, config)
            file.page.title = node.title
            return file.page

        generated = [build(node) for node in self.plan.nav]
        items = list(nav.items)
        # keep hand-written pages; the archive goes after the home page
        at = 1 if items and isinstance(items[0], Page) and items[0].is_homepage else 0
        items[at:at] = generated
        _add_parent_links(items)
        pages = [p for p in _walk_pages(items)]
        _add_previous_and_next_links(pages)
        return Navigation(items, pages)

    # -- pages ---------------------------------------------------------------------------------------

    def _prebuilt(self, page: Page) -> PageSpec | None:
        """The spec of a generated page made as HTML (None for hand-written and Markdown pages)."""
        spec = self.specs.get(page.file.src_uri)
        return spec if spec is not None and spec.html is not None else None

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        if (spec := self._prebuilt(page)) is not None:
            page.meta.update(OPT_OUT)  # glightbox: see lightbox.py and on_post_page
            if not any(h.level > 1 for h in spec.headings):  # an empty contents sidebar: the table's room
                page.meta["hide"] = [*page.meta.get("hide", []), "toc"]
            return ""  # made as HTML already: see on_page_content
        if self.archive is not None and MARKER in markdown:
            return fill_home(markdown, self.archive.cohorts)
        return markdown

    @event_priority(50)
    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        """A generated page: its headings, table of contents and anchors; answers come in on_post_page."""
        spec = self._prebuilt(page)
        if spec is None or spec.html is None:
            return html
        toc = config.mdx_configs.get("toc", {}) if "toc" in config.markdown_extensions else None
        out, tokens = render_headings(spec.html, spec.headings, Permalinks.from_toc_config(toc))
        page.toc = get_toc(tokens)
        page.present_anchor_ids = anchor_ids(spec.headings, spec.blocks)
        return self.lightbox.wrap(out)  # as glightbox would (it skips this page)

    @event_priority(-100)  # after every other plugin (e.g. glightbox) changed the page
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str | None:
        """Swap the HTML blocks and answers in (other plugins only saw placeholders); cache the page."""
        if self.archive is not None and ("@@" in output or "<!--ca-" in output):
            output = self._fill(output, page, config)
        if self._prebuilt(page) is not None:  # glightbox skipped it: its tags, as text
            output = self.lightbox.add(output, page.url)
        key = self.to_store.get(page.file.src_uri)
        if key and self.page_cache is not None:
            self.page_cache.put(key, output)
        if self.indexer is not None and page.file.src_uri in self.hand_pages:
            self.indexer.add_page(page.url, output)
        return output

    def _fill(self, output: str, page: Page, config: MkDocsConfig) -> str:
        assert self.archive is not None
        rendered = self.archive.rendered
        uri = page.file.src_uri
        spec = self.specs.get(uri)
        blocks = spec.blocks if spec else []

        def block(match: re.Match[str]) -> str:
            kind, key, number = match.group(1), match.group(2), int(match.group(3) or 0)
            if kind == "block":
                return blocks[number] if key == uri and number < len(blocks) else ""
            if (kind, key, number) not in self.answer_html:
                r = rendered.get(key)
                body = (r.free_form if kind == "freeform" else r.answers.get(number)) if r else None
                self.answer_html[kind, key, number] = self.lightbox.wrap(body or "")
            return f'<div class="ca-answer">{self.answer_html[kind, key, number]}</div>'

        output = BLOCK.sub(block, output)
        prefix = urls.root_prefix(page.url)
        directory_urls = config.use_directory_urls
        output = _PAGE_REF.sub(lambda m: prefix + urls.page_url(m.group(1), directory_urls), output)
        return output.replace("@@ROOT@@", prefix)

    # -- after the build -----------------------------------------------------------------------------

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.archive is None:
            return
        site = Path(config.site_dir)
        for file, cached in self.reused.values():
            link_or_copy(cached, file.abs_dest_path)
        if self.figures_ready is not None:
            self.figures = self.figures_ready.result()
            self.figures_ready = None
        for uri, path in self.figures.items():
            link_or_copy(path, site / uri)
        if self.refused:  # known only now that the pages are written: the model and those pages are mended
            replacements = settle({g.snapshot.key: g for g in self.archive.groups()}, self.refused)
            log.info(
                f"{len(self.refused)} figure(s) not copied; {patch_pages(site, replacements)} page(s) mended"
            )
            self.refused = []
        if self.page_cache is not None:
            self.page_cache.prune()
        if self.reused:
            log.info(f"{len(self.reused)} unchanged pages reused, {len(self.to_store)} rendered")
        page_url = self._page_url(config)
        if self.config.export:
            write_exports(self.archive, site / "export", page_url)
        if self.config.search:
            from .search import SearchIndexer

            t0 = time.monotonic()
            indexer = self.indexer or SearchIndexer(
                site, self.archive, page_url, config, cache_dir=self._search_cache()
            )
            self.indexer = None
            stats = indexer.run()
            log.info(f"Search index: {stats} in {time.monotonic() - t0:.1f} s")

    def _search_cache(self) -> Path | None:
        """Where unchanged search bundles are kept between builds (with the page cache)."""
        return self._path(self.config.cache_dir) / "search" if self.config.page_cache else None


def _narrowed(snap: Snapshot, missing: dict[Path, str]):
    """The snapshot's tree cut down to the files to copy (it goes to the worker process)."""
    narrowed = getattr(snap.tree, "narrowed", None)
    return narrowed(sorted(set(missing.values()))) if narrowed is not None else snap.tree


def _in_worker(fn, *args):
    """`fn(*args)` in a fresh small process (forkserver: not a copy of this one), else here.

    The figure downloads start hundreds of git processes while MkDocs renders; from a 250 MB build
    process each start maps that process for a moment (vfork), which memory sampling of the process
    tree counts a second time. From a small worker it is a few MB. Nothing is lost when a worker
    cannot be had (no forkserver on this platform, a tree that cannot be pickled): it runs here.
    """
    try:
        context = multiprocessing.get_context("forkserver")
        with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
            future = pool.submit(fn, *args)
    except (ValueError, OSError) as exc:  # no forkserver here
        log.debug(f"figure copies run in the build process ({exc})")
        return fn(*args)
    try:
        return future.result()
    except (BrokenProcessPool, pickle.PicklingError, TypeError, AttributeError) as exc:
        log.debug(f"figure copies run in the build process ({exc!r})")
        return fn(*args)


_TITLE = re.compile(r"^(?:title:\s*(.+)|#\s+(.+?)\s*#*)\s*$", re.M)


def nav_title(path: Path) -> str:
    """What MkDocs will call a hand-written page in the nav: front-matter title, else its first H1."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    match = _TITLE.search(text)
    return (match.group(1) or match.group(2)) if match else path.stem


def _nav_repr(nodes: list[NavNode]) -> str:
    return "".join(f"[{n.title}|{n.uri}{_nav_repr(n.children)}]" for n in nodes)


def _walk_pages(items) -> list[Page]:
    out: list[Page] = []
    for item in items:
        if isinstance(item, Page):
            out.append(item)
        if getattr(item, "children", None):
            out += _walk_pages(item.children)
    return out


def _fingerprint(templates_dir: Path, package: Path = Path(__file__).parent) -> str:
    """What normalised reports depend on besides their text: the registry and the code that reads them
    (so a new version of the plugin never serves reports its predecessor parsed)."""
    digest = hashlib.sha256()
    for path in sorted(templates_dir.glob("*.yml")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    digest.update(files_digest(package.rglob("*.py"), root=package).encode())
    return digest.hexdigest()[:16]


_PAGE_REF = re.compile(r"@@PAGE@@([^\"'\s<>#]+\.md)")


def _mtime(path: Path) -> int:
    """A file's modification time in ns; 0 when it is not there."""
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return 0
