"""Search without a browser: records from a hand-made Archive, the written Pagefind bundle, the search page,
the header override. All text here is invented."""

from __future__ import annotations

import dataclasses
import gzip
import json
import multiprocessing
import os
import re
import time
from pathlib import Path

import markdown
import pytest

from cohort_archive.archive import Archive, Rendered
from cohort_archive.model import (
    Answer,
    Cohort,
    CohortSettings,
    DictTree,
    Group,
    QuestionSpec,
    Report,
    RosterEntry,
    Snapshot,
    Template,
    Topic,
)
from cohort_archive.pages import urls
from cohort_archive.registry import Registry
from cohort_archive.search import (
    FACETS_FILE,
    SearchIndexer,
    answer_records,
    facet_labels,
    html_to_text,
    search_page,
)
from cohort_archive.search import bundles as bundles_module
from cohort_archive.search.bundles import COHORTS_DIR, INDEX_CONFIG, UNUSED_FILES
from cohort_archive.search.docs import PAGE_MARK, hand_written_pages, mark_page
from cohort_archive.search.indexer import chunk_size
from cohort_archive.search.pagefind import (
    INDEX_CHUNK_SIZE,
    INDEX_CHUNK_SIZE_ENV,
    PagefindService,
    bundle_problems,
    one_cpu,
    pagefind_binary,
)
from cohort_archive.search.records import SearchRecord

REPO = Path(__file__).resolve().parents[1]

# --- a small archive ---------------------------------------------------------------------------------

QUESTIONS = (
    QuestionSpec(1, "group-number", "Group number", "Group information", "Enter the group number"),
    QuestionSpec(2, "student-numbers", "Student numbers", "Group information", "Enter the study numbers"),
    QuestionSpec(3, "third-party-framework", "Third-party framework", "Coding environment", "Which one?"),
    QuestionSpec(4, "docker", "Docker", "Working in the cloud", "Explain your images"),
    QuestionSpec(5, "deploy-model", "Deploying the model", "Deployment", "How did you deploy?"),
)
TEMPLATE = Template("2025-january", "January 2025 template", QUESTIONS)
REGISTRY = Registry(
    templates={TEMPLATE.id: TEMPLATE},
    topics={q.id: Topic(q.id, q.title, {TEMPLATE.id: q.number}) for q in QUESTIONS},
)


def answer(number: int, *, answered: bool = True, within: bool | None = True) -> Answer:
    qid = QUESTIONS[number - 1].id
    return Answer(number, qid, f"answer {number}", answered, words=40, images=0, within_limits=within)


def group(cohort: str, number: int, report: Report | None) -> Group:
    entry = RosterEntry(cohort, number, f"https://github.com/example/{cohort}-{number}")
    status = "ok" if report is not None else "unavailable"
    snapshot = Snapshot(entry, status, commit="a" * 40, tree=DictTree({}))
    return Group(snapshot, report)


def make_archive() -> Archive:
    g17 = group(
        "2025-january",
        17,
        Report(
            "2025-january",
            answers=[
                answer(1),
                answer(2),
                answer(3, within=None),
                answer(4, within=False),
                answer(5, answered=False),
            ],
        ),
    )
    g3 = group("2025-january", 3, Report("2025-january", answers=[answer(4)]))
    free = group("2024-january", 8, Report(None, free_form_markdown="# Our report\n\nplain words"))
    gone = group("2024-january", 9, None)
    cohorts = [
        Cohort(CohortSettings("2024-january", "January 2024"), [free, gone]),
        Cohort(CohortSettings("2025-january", "January 2025"), [g17, g3]),
    ]
    archive = Archive(cohorts=cohorts, registry=REGISTRY)
    archive.rendered["2025-january/17"] = Rendered(
        answers={
            1: "<p>17</p>",
            2: "<p>s123456, s654321</p>",
            3: "<p>We used <strong>Albumentations</strong> for the pelican&nbsp;images.</p>",
            4: (
                "<p>Two images:</p><ul><li>trainer</li><li>api</li></ul>"
                "<pre><code>docker run -p 80:80 api</code></pre>"
                "<p>Literal markup stays text: &lt;img src=x onerror=alert(1)&gt; &amp; more</p>"
            ),
        }
    )
    archive.rendered["2025-january/3"] = Rendered(answers={4: "<p>One Dockerfile for the kelp service.</p>"})
    archive.rendered["2024-january/8"] = Rendered(free_form="<h1>Our report</h1><p>plain words</p>")
    return archive


def page_url(uri: str) -> str | None:
    return urls.page_url(uri)


# --- text and records --------------------------------------------------------------------------------


def test_html_to_text_keeps_words_apart_and_decodes_entities() -> None:
    html = "<p>one</p><p>two<br>three</p><ul><li>a&amp;b</li><li>&lt;tag&gt;</li></ul><script>x()</script>"
    assert html_to_text(html) == "one two three a&b <tag>"
    assert html_to_text("<pre><code>pip  install\n  click</code></pre>") == "pip install click"
    assert html_to_text("") == ""


def test_one_record_per_answered_answer_with_url_anchor_and_filters() -> None:
    records = answer_records(make_archive(), page_url)
    by_url = {r.url: r for r in records}
    # newest cohort first, groups by number, questions by number; Q1/Q2 and unanswered Q5 left out
    assert [r.url for r in records] == [
        "/2025-january/groups/3/#q4",
        "/2025-january/groups/17/#q3",
        "/2025-january/groups/17/#q4",
        "/2024-january/groups/8/",
    ]
    docker = by_url["/2025-january/groups/17/#q4"]
    assert docker.filters == {
        "cohort": ["2025-january"],
        "group": ["2025-january/17"],
        "question": ["docker"],
        "within": ["no"],
    }
    # nothing searchable besides the answer's own words: the UI names the hit from filters and URL
    assert docker.meta == {}
    assert docker.url.endswith("#" + urls.question_anchor(4))
    # no limits: no `within` value at all (neither yes nor no)
    assert "within" not in by_url["/2025-january/groups/17/#q3"].filters
    assert by_url["/2025-january/groups/3/#q4"].filters["within"] == ["yes"]


def test_record_content_is_plain_text_of_the_rendered_answer() -> None:
    records = {r.url: r for r in answer_records(make_archive(), page_url)}
    text = records["/2025-january/groups/17/#q4"].content
    assert text == (
        "Two images: trainer api docker run -p 80:80 api "
        "Literal markup stays text: <img src=x onerror=alert(1)> & more"
    )
    # &nbsp; separates words like a space
    assert records["/2025-january/groups/17/#q3"].content == "We used Albumentations for the pelican images."
    assert "<strong>" not in records["/2025-january/groups/17/#q3"].content
    # group information (study numbers) is never indexed
    assert not any("s123456" in r.content for r in records.values())


def test_free_form_report_is_one_record_without_question() -> None:
    (free,) = [r for r in answer_records(make_archive(), page_url) if "#" not in r.url]
    assert free.url == "/2024-january/groups/8/"
    assert free.content == "Our report plain words"
    assert free.filters == {"cohort": ["2024-january"], "group": ["2024-january/8"]}


def test_groups_without_a_built_page_are_skipped() -> None:
    def only_2024(uri: str) -> str | None:
        return urls.page_url(uri) if uri.startswith("2024-") else None

    assert [r.url for r in answer_records(make_archive(), only_2024)] == ["/2024-january/groups/8/"]


def test_directory_urls_off_gives_html_urls() -> None:
    records = answer_records(make_archive(), lambda uri: urls.page_url(uri, False))
    assert records[0].url == "/2025-january/groups/3.html#q4"


def test_facet_labels_name_cohorts_questions_and_limits() -> None:
    labels = facet_labels(make_archive())
    assert labels["cohort"] == {"2025-january": "January 2025", "2024-january": "January 2024"}
    assert list(labels["cohort"]) == ["2025-january", "2024-january"]  # newest first
    assert labels["question"] == {
        "third-party-framework": "Third-party framework",
        "docker": "Docker",
        "deploy-model": "Deploying the model",
    }
    assert labels["within"] == {"yes": "Within limits", "no": "Outside limits"}


# --- the search page and the header override ---------------------------------------------------------


def test_search_page_is_one_raw_html_block() -> None:
    page = search_page()
    assert (page.uri, page.title) == ("search.md", "Search")
    body = page.markdown.split("---\n", 2)[2]  # after the front matter
    html = markdown.markdown(body, extensions=["md_in_html"])
    for needle in ("data-ca-search", 'class="ca-search__results"', 'class="ca-search__facets"', 'name="q"'):
        assert needle in html
    assert "<p><div" not in html and "<p><form" not in html
    assert "hide:\n  - navigation\n  - toc\n" in page.markdown


def test_header_override_is_materials_header_with_our_search() -> None:
    """Guards against a Material upgrade changing the header under the copy in assets/overrides."""
    material = pytest.importorskip("material")
    original = (Path(material.__file__).parent / "templates" / "partials" / "header.html").read_text()
    ours = (REPO / "plugins/cohort_archive/assets/overrides/partials/header.html").read_text()
    start = original.index('    {% if "material/search" in config.plugins %}')
    end = original.index("    {% if config.repo_url %}")
    expected = original[:start] + '    {% include "partials/cohort-search.html" %}\n' + original[end:]

    def body(text: str) -> str:
        return re.sub(r"^\{#-.*?-#\}\n", "", text, flags=re.S)

    assert body(ours) == body(expected)
    search = (REPO / "plugins/cohort_archive/assets/overrides/partials/cohort-search.html").read_text()
    assert "data-md-component" not in re.sub(r"\{#-.*?-#\}", "", search, flags=re.S)
    assert 'name="q"' in search and "data-ca-header-search" in search


def test_hand_written_pages_map_to_their_built_html(tmp_path: Path) -> None:
    docs, site = tmp_path / "docs", tmp_path / "site"
    for uri in ("index.md", "about.md", "guide/setup.md", "search.md", "never-built.md"):
        (docs / uri).parent.mkdir(parents=True, exist_ok=True)
        (docs / uri).write_text("# x\n")
    for rel in ("index.html", "about/index.html", "guide/setup/index.html", "search/index.html"):
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text("<html></html>")
    pages = hand_written_pages(docs, site, True, skip=frozenset({"search.md"}))
    assert [(url, p.relative_to(site).as_posix()) for url, p in pages] == [
        ("about/", "about/index.html"),
        ("guide/setup/", "guide/setup/index.html"),
        ("", "index.html"),
    ]
    (site / "about.html").write_text("<html></html>")
    flat = hand_written_pages(docs, site, False, skip=frozenset({"search.md"}))
    assert [url for url, _ in flat] == ["about.html", "index.html"]


def test_mark_page_tags_the_article_once() -> None:
    html = '<body><article class="md-content__inner">x</article><article>y</article></body>'
    marked = mark_page(html)
    assert marked.count(PAGE_MARK) == 1
    assert marked.index(PAGE_MARK) == html.index(">x") + 1


# --- the written bundle (runs the real Pagefind binary) -----------------------------------------------


def read_pagefind_file(path: Path) -> bytes:
    data = gzip.decompress(path.read_bytes())
    assert data.startswith(b"pagefind_dcd")
    return data[len(b"pagefind_dcd") :]


def fragments(bundle: Path) -> list[dict]:
    """The fragments (one per record or page) of a bundle folder, without the bundles below it."""
    return [json.loads(read_pagefind_file(p)) for p in sorted((bundle / "fragment").glob("*.pf_fragment"))]


def all_fragments(site: Path) -> list[dict]:
    """The fragments of every bundle of the site (the main one and one per other cohort)."""
    out = fragments(site / "pagefind")
    for bundle in sorted((site / "pagefind" / COHORTS_DIR).glob("*")):
        out += fragments(bundle)
    return out


ABOUT_HTML = (
    "<html><body><nav>Navigation words zebrafinch</nav><article class='md-content__inner'>"
    "<h1 id='about'>About</h1><p>How the archive is made: quillwort pipelines.</p></article></body></html>"
)


class Config:  # the two MkDocsConfig attributes the indexer reads
    def __init__(self, docs: Path) -> None:
        self.docs_dir = str(docs)
        self.use_directory_urls = True


@pytest.fixture
def built_site(tmp_path: Path) -> tuple[Path, SearchIndexer, str]:
    if pagefind_binary() is None:
        pytest.skip("the Pagefind binary is not installed (pip install 'pagefind[bin]')")
    site, docs = tmp_path / "site", tmp_path / "docs"
    (docs / "about.md").parent.mkdir(parents=True)
    (docs / "about.md").write_text("# About\n")
    (site / "about").mkdir(parents=True)
    (site / "about" / "index.html").write_text(ABOUT_HTML)
    indexer = SearchIndexer(site, make_archive(), page_url, Config(docs))
    stats = indexer.run()
    return site, indexer, stats


def test_index_is_written_with_every_record(built_site) -> None:
    site, indexer, stats = built_site
    bundle = site / "pagefind"
    for name in ("pagefind.js", "pagefind-entry.json", "wasm.en.pagefind", FACETS_FILE):
        assert (bundle / name).is_file(), name
    for name in UNUSED_FILES:
        assert not (bundle / name).exists(), name
    entry = json.loads((bundle / "pagefind-entry.json").read_text())
    assert list(entry["languages"]) == ["en"]
    assert entry["languages"]["en"]["page_count"] == 4  # the newest cohort's 3 answer records + about/
    assert (indexer.records_indexed, indexer.pages_indexed, indexer.errors) == (4, 1, [])
    assert stats.startswith("4 answers and 1 pages;") and "2 bundles" in stats
    assert len(list((bundle / "filter").glob("*.pf_filter"))) == 4  # cohort, group, question, within
    assert json.loads((bundle / FACETS_FILE).read_text())["question"]["docker"] == "Docker"


def test_one_bundle_per_cohort_listed_for_the_ui(built_site) -> None:
    """The newest cohort and the pages in the main bundle, each other cohort in a bundle of its own."""
    site, indexer, _ = built_site
    main, older = site / "pagefind", site / "pagefind" / COHORTS_DIR / "2024-january"
    assert indexer.bundles == ["", f"{COHORTS_DIR}/2024-january/"]
    assert json.loads((main / FACETS_FILE).read_text())["bundles"] == [
        {"path": "", "cohorts": ["2025-january"]},
        {"path": f"{COHORTS_DIR}/2024-january/", "cohorts": ["2024-january"]},
    ]
    assert sorted(p.name for p in (main / COHORTS_DIR).iterdir()) == ["2024-january"]
    assert {f["url"] for f in fragments(main)} == {
        "/2025-january/groups/3/#q4",
        "/2025-january/groups/17/#q3",
        "/2025-january/groups/17/#q4",
        "/about/",
    }
    assert [f["url"] for f in fragments(older)] == ["/2024-january/groups/8/"]
    entry = json.loads((older / "pagefind-entry.json").read_text())
    assert entry["languages"]["en"]["page_count"] == 1
    # a merged bundle is index, filters and fragments: pagefind.js and the WebAssembly come from the main one
    assert sorted(p.name for p in older.iterdir() if p.is_file()) == [
        "pagefind-entry.json",
        f"pagefind.{entry['languages']['en']['hash']}.pf_meta",
    ]
    assert sorted(p.name for p in older.iterdir() if p.is_dir()) == ["filter", "fragment", "index"]
    assert bundle_problems(older) == []


def test_each_bundle_gets_its_share_of_the_index_chunk_size() -> None:
    assert chunk_size(3700, 3700) == INDEX_CHUNK_SIZE  # one cohort: Pagefind's default
    assert chunk_size(3700, 4 * 3700) == INDEX_CHUNK_SIZE // 4
    assert chunk_size(10, 15_000) == 2_000  # a tiny cohort beside big ones: not hundreds of chunks
    assert chunk_size(0, 0) == INDEX_CHUNK_SIZE


def test_the_records_key_covers_every_field_of_a_record() -> None:
    """A cached bundle is reused only for the very same records: any change to any field is a new key."""
    base = SearchRecord("/a/#q1", "text", {"title": "T"}, {"cohort": ["a"]})
    assert [f.name for f in dataclasses.fields(SearchRecord)] == ["url", "content", "meta", "filters"]
    changed = [
        dataclasses.replace(base, url="/a/#q2"),
        dataclasses.replace(base, content="text!"),
        dataclasses.replace(base, meta={"title": "U"}),
        dataclasses.replace(base, filters={"cohort": ["b"]}),
    ]
    key = bundles_module.records_digest([base], 100)
    assert key == bundles_module.records_digest([dataclasses.replace(base)], 100)
    assert len({key, *(bundles_module.records_digest([c], 100) for c in changed)}) == 5
    assert key != bundles_module.records_digest([base], 200)  # the index settings count too


def test_pagefind_takes_the_chunk_size_from_the_environment(tmp_path: Path) -> None:
    """Guards the (unstable) Pagefind setting the per-cohort bundles rely on to keep queries small."""
    if pagefind_binary() is None:
        pytest.skip("the Pagefind binary is not installed (pip install 'pagefind[bin]')")
    words = [f"{a}{b}word" for a in "abcdefgh" for b in "abcdefgh"]

    def chunks(env: dict[str, str] | None) -> int:
        out = tmp_path / f"b{len(env or {})}"
        with PagefindService(INDEX_CONFIG, env=env) as service:
            for i in range(10):
                service.add_record(url=f"/{i}/", content=" ".join(words))
            service.write(out)
        return len(list((out / "index").glob("*.pf_index")))

    assert chunks(None) == 1
    assert chunks({INDEX_CHUNK_SIZE_ENV: "50"}) > 5


def test_pagefind_runs_on_the_cpus_it_is_given_and_the_caller_keeps_its_own(tmp_path: Path) -> None:
    if pagefind_binary() is None:
        pytest.skip("the Pagefind binary is not installed (pip install 'pagefind[bin]')")
    mine = os.sched_getaffinity(0)
    if len(mine) < 2:
        pytest.skip("one CPU: Pagefind is not pinned (one_cpu() is None)")
    assert one_cpu() == {max(mine)}
    with PagefindService(INDEX_CONFIG, cpus=one_cpu()) as service:
        status = Path(f"/proc/{service._proc.pid}/status").read_text()
        service.add_record(url="/1/", content="pinned words")
        assert service.write(tmp_path / "out") == ({"record": 1, "html": 0}, [])
    assert f"Cpus_allowed_list:\t{max(mine)}\n" in status
    assert os.sched_getaffinity(0) == mine  # the thread that started it runs where it did


def test_index_fragments_hold_url_meta_filters_and_text(built_site) -> None:
    site, _, _ = built_site
    by_url = {f["url"]: f for f in all_fragments(site)}
    docker = by_url["/2025-january/groups/17/#q4"]
    assert docker["filters"]["question"] == ["docker"]
    assert docker["filters"]["within"] == ["no"]
    assert "title" not in docker["meta"]  # (Pagefind indexes meta values: an answer has none)
    # stored as text: the UI (search.js) escapes it when shown
    assert "<img src=x onerror=alert(1)>" in docker["content"]
    about = by_url["/about/"]
    assert about["meta"]["title"] == "About"
    assert about["meta"]["kind"] == "page"
    assert "quillwort" in about["content"] and "zebrafinch" not in about["content"]  # article only


def test_rebuilding_replaces_the_bundle(built_site) -> None:
    site, indexer, _ = built_site
    stale = site / "pagefind" / "fragment" / "en_stale.pf_fragment"
    stale.write_bytes(b"old")
    gone = site / "pagefind" / COHORTS_DIR / "2023-january"  # a cohort no longer in the archive
    gone.mkdir()
    indexer.run()
    assert not stale.exists() and not gone.exists()
    assert [p.name for p in site.iterdir() if p.name.startswith(".")] == []  # no staging folder left


def test_unchanged_bundles_come_from_the_cache(tmp_path: Path) -> None:
    """A docs edit re-indexes the main bundle only; the other cohorts' bundles are reused as they are."""
    if pagefind_binary() is None:
        pytest.skip("the Pagefind binary is not installed (pip install 'pagefind[bin]')")
    site, cache = tmp_path / "site", tmp_path / "cache"
    site.mkdir()

    def build(about: str) -> tuple[SearchIndexer, str, dict[str, bytes]]:
        indexer = SearchIndexer(site, make_archive(), page_url, None, cache_dir=cache)
        indexer.start(pages=["about/"])
        indexer.add_page("about/", about)
        stats = indexer.run()
        files = {
            str(p.relative_to(site)): p.read_bytes() for p in (site / "pagefind").rglob("*") if p.is_file()
        }
        return indexer, stats, files

    first, _, before = build(ABOUT_HTML)
    assert first.reused == 0
    again, stats, same = build(ABOUT_HTML)
    assert again.reused == 2 and "2 unchanged (reused)" in stats
    assert same == before  # byte for byte
    edited, _, after = build(ABOUT_HTML.replace("quillwort", "bladderwort"))
    assert edited.reused == 1  # the older cohort's bundle
    assert {k: v for k, v in after.items() if COHORTS_DIR in k} == {
        k: v for k, v in before.items() if COHORTS_DIR in k
    }
    assert "/about/" in {f["url"] for f in all_fragments(site)}
    assert len([p for p in cache.iterdir() if not p.name.startswith(".")]) == 2  # old main bundle pruned


NEWEST = {"/2025-january/groups/3/#q4", "/2025-january/groups/17/#q3", "/2025-january/groups/17/#q4"}


def test_newest_cohort_is_indexed_before_the_pages_arrive_unless_the_cache_has_it(tmp_path: Path) -> None:
    """The main bundle's records go to Pagefind while MkDocs still builds the hand-written pages; when a
    cached bundle holds the same records, the pages decide first whether it is reused."""
    if pagefind_binary() is None:
        pytest.skip("the Pagefind binary is not installed (pip install 'pagefind[bin]')")
    site, cache = tmp_path / "site", tmp_path / "cache"
    site.mkdir()
    fed: list[str] = []

    def fed_before_the_page(about: str, wait: float) -> set[str]:
        indexer = SearchIndexer(site, make_archive(), page_url, None, cache_dir=cache)
        indexer.start(pages=["about/"])
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline and not set(indexer.fed) >= NEWEST:
            time.sleep(0.05)
        early = set(indexer.fed) & NEWEST
        indexer.add_page("about/", about)
        assert indexer.run().startswith("4 answers and 1 pages;")
        fed[:] = indexer.fed
        return early

    assert fed_before_the_page(ABOUT_HTML, wait=60) == NEWEST
    edited = ABOUT_HTML.replace("quillwort", "bladderwort")
    assert fed_before_the_page(edited, wait=1.5) == set()  # a cached bundle has these records
    assert set(fed) >= NEWEST  # and, the page being new, they were indexed after it came
    assert "/about/" in {f["url"] for f in all_fragments(site)}


def test_background_indexing_takes_pages_as_they_are_built(tmp_path: Path) -> None:
    if pagefind_binary() is None:
        pytest.skip("the Pagefind binary is not installed (pip install 'pagefind[bin]')")
    site = tmp_path / "site"
    site.mkdir()
    indexer = SearchIndexer(site, make_archive(), page_url, Config(tmp_path / "docs"))
    indexer.start(pages=["about/", "guide/"])
    indexer.add_page("about/", ABOUT_HTML)
    # guide/ never handed in: run() takes it from disk
    (site / "guide").mkdir()
    (site / "guide" / "index.html").write_text(
        ABOUT_HTML.replace("About", "Guide").replace("quillwort", "sedge")
    )
    stats = indexer.run()
    assert stats.startswith("4 answers and 2 pages;"), stats
    urls_ = {f["url"] for f in all_fragments(site)}
    assert {"/about/", "/guide/", "/2025-january/groups/17/#q4", "/2024-january/groups/8/"} <= urls_
    # the same indexer can run again (mkdocs serve rebuilds)
    assert indexer.run().startswith("4 answers and 0 pages;")


def test_two_indexers_of_one_site_do_not_collide(tmp_path: Path) -> None:
    """(A build's own indexer and a hook's, started together, each stage their bundles apart.)"""
    if pagefind_binary() is None:
        pytest.skip("the Pagefind binary is not installed (pip install 'pagefind[bin]')")
    first, second = (SearchIndexer(tmp_path, make_archive(), page_url, None) for _ in range(2))
    first.start()
    second.start()
    assert first.run().startswith("4 answers") and second.run().startswith("4 answers")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pagefind"]
    assert bundle_problems(tmp_path / "pagefind") == []
    assert bundle_problems(tmp_path / "pagefind" / COHORTS_DIR / "2024-january") == []


def test_cancelled_indexing_writes_nothing(tmp_path: Path) -> None:
    if pagefind_binary() is None:
        pytest.skip("the Pagefind binary is not installed (pip install 'pagefind[bin]')")
    indexer = SearchIndexer(tmp_path, make_archive(), page_url, None)
    indexer.start(pages=["about/"])
    indexer.cancel()
    assert list(tmp_path.iterdir()) == []


def test_bundles_are_written_by_a_worker_process(tmp_path: Path) -> None:
    """(So that none of it takes turns with MkDocs on the build process's interpreter lock.)"""
    if pagefind_binary() is None:
        pytest.skip("the Pagefind binary is not installed (pip install 'pagefind[bin]')")
    indexer = SearchIndexer(tmp_path, make_archive(), page_url, None)
    indexer.start(pages=["about/"])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not indexer.fed:  # the worker waits for the page now
        time.sleep(0.05)
    workers = [p for p in multiprocessing.active_children() if p.name == "cohort-archive-search"]
    assert len(workers) == 1 and workers[0].pid != os.getpid()
    indexer.add_page("about/", ABOUT_HTML)
    stats = indexer.run()
    assert stats.startswith("4 answers and 1 pages;")
    assert not [p for p in multiprocessing.active_children() if p.name == "cohort-archive-search"]
    # what indexing cost is counted (the worker and its Pagefind processes, the records made here)
    assert indexer.cpu_s is not None and indexer.cpu_s > 0
    assert stats.endswith(f", {indexer.cpu_s:.1f} CPU-s)")


def test_bundles_are_written_in_the_build_process_where_no_worker_can_be_had(
    tmp_path: Path, monkeypatch
) -> None:
    if pagefind_binary() is None:
        pytest.skip("the Pagefind binary is not installed (pip install 'pagefind[bin]')")

    def no_forkserver(method: str | None = None):
        raise ValueError(f"cannot find context for {method!r}")

    monkeypatch.setattr(multiprocessing, "get_context", no_forkserver)
    indexer = SearchIndexer(tmp_path, make_archive(), page_url, None)
    indexer.start(pages=["about/"])
    indexer.add_page("about/", ABOUT_HTML)
    stats = indexer.run()
    assert stats.startswith("4 answers and 1 pages;")
    assert indexer.cpu_s is None and "CPU-s" not in stats  # not a process of its own: not counted
    assert "/about/" in {f["url"] for f in all_fragments(tmp_path)}
    assert bundle_problems(tmp_path / "pagefind" / COHORTS_DIR / "2024-january") == []


def test_bundle_check_finds_cut_short_files(built_site) -> None:
    site, _, _ = built_site
    bundle = site / "pagefind"
    assert bundle_problems(bundle) == []
    fragment = next((bundle / "fragment").glob("*.pf_fragment"))
    fragment.write_bytes(fragment.read_bytes()[:-10])
    (bundle / "pagefind-entry.json").write_text("")
    problems = bundle_problems(bundle)
    assert any(fragment.name in p for p in problems) and any("pagefind-entry.json" in p for p in problems)


def test_missing_pagefind_binary_is_reported_not_raised(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "no-such-pagefind"))
    (tmp_path / "pagefind").mkdir()
    (tmp_path / "pagefind" / "pagefind.js").write_text("// previous build")
    stats = SearchIndexer(tmp_path, make_archive(), page_url, None).run()
    assert stats.startswith("NOT built")
    assert (tmp_path / "pagefind" / "pagefind.js").read_text() == "// previous build"
