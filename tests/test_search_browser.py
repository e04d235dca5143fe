"""Search in a real Chromium: the demo site served under a subpath (/archive/), its Pagefind index, the header
box, the search page (facets, deep links) and escaping; and ranking on the real corpus."""

from __future__ import annotations

import random
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from cohort_archive.search import SearchIndexer, html_to_text, search_page
from conftest import REPO, screenshot, serve_site

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHRASES = REPO / "reports" / "demo" / "search_phrases.yml"
ASSETS = REPO / "plugins" / "cohort_archive" / "assets" / "site"

# The search the UI runs (search.js: Pagefind, exact-phrase hits first), from a page of the site;
# returns (result count, [url, ...] of the first `top`) per query.
UI_SEARCH = """async ([queries, top]) => {
  const out = [];
  for (const q of queries) {
    const found = await window.CohortArchiveSearch.search(q, {}, top);
    out.push([found.count, found.results.map((d) => d.url)]);
  }
  return out;
}"""


def phrases() -> list[dict]:
    return yaml.safe_load(PHRASES.read_text(encoding="utf-8"))["phrases"]


def expected_url(base: str, entry: dict) -> str:
    """Site-absolute URL of a phrase's answer ("/archive/2025-january/groups/5/#q30")."""
    path = urlsplit(base).path + f"{entry['cohort']}/groups/{entry['group']}/"
    return path + (f"#q{entry['question']}" if entry["question"] is not None else "")


def status_count(text: str) -> int:
    match = re.match(r"(\d+) results?\b", text)
    assert match, text
    return int(match.group(1))


def wait_status(page, pattern: str) -> str:
    page.wait_for_function(
        "p => new RegExp(p).test(document.querySelector('.ca-search__status').textContent)", arg=pattern
    )
    return page.locator(".ca-search__status").inner_text()


def wait_facets(page) -> None:
    page.wait_for_selector(".ca-facet[data-facet=cohort]")


def facet_counts(page, name: str) -> dict[str, int]:
    rows = page.locator(f".ca-facet[data-facet={name}] .ca-facet__value")
    return {
        row.locator("input").get_attribute("value"): int(row.locator(".ca-facet__count").inner_text())
        for row in rows.all()
    }


def no_dialogs(page) -> list[str]:
    seen: list[str] = []
    page.on("dialog", lambda d: (seen.append(d.message), d.dismiss()))
    return seen


# --- the demo site -----------------------------------------------------------------------------------


def test_every_demo_phrase_finds_its_answer_first(demo_site: Path, chromium) -> None:
    entries = phrases()
    with serve_site(demo_site) as base:
        page = chromium.new_page()
        page.goto(base + "search/")
        found = page.evaluate(UI_SEARCH, [[e["phrase"] for e in entries], 3])
        exact = page.evaluate(UI_SEARCH, [[f'"{e["phrase"]}"' for e in entries], 3])
    for entry, (_count, hits), (exact_count, _) in zip(entries, found, exact, strict=True):
        if entry["archived"]:
            assert hits[:1] == [expected_url(base, entry)], entry
        else:
            # only in a commit after the deadline / pin: the phrase is not in the archive at all
            assert exact_count == 0, entry
            assert expected_url(base, entry) not in hits, entry


def test_top_hit_links_to_the_answer_anchor(demo_site: Path, chromium) -> None:
    entry = next(e for e in phrases() if e["archived"] and e["question"] is not None)
    with serve_site(demo_site) as base:
        page = chromium.new_page()
        page.goto(base + "search/?q=" + entry["phrase"])
        wait_status(page, r"^\d+ results? for")
        first = page.locator(".ca-hit").first
        assert first.locator(".ca-hit__title").inner_text().startswith(f"Q{entry['question']} · ")
        assert f"Group {entry['group']}" in first.locator(".ca-hit__where").inner_text()
        marks = [m.inner_text().lower() for m in first.locator(".ca-hit__excerpt mark").all()]
        assert marks and all(m.strip() for m in marks)
        screenshot(page, "search-phrase")
        first.locator("a").click()
        page.wait_for_load_state("load")
        assert page.url.endswith(expected_url(base, entry))
        anchor = f"q{entry['question']}"
        page.wait_for_function(
            "id => { const r = document.getElementById(id).getBoundingClientRect();"
            " return r.top >= 0 && r.top < window.innerHeight / 2; }",
            arg=anchor,
        )
        assert entry["phrase"] in page.locator(f"#{anchor} ~ .ca-answer").first.inner_text()
        screenshot(page, "search-landed")


def test_header_box_keys_dropdown_and_search_page(demo_site: Path, chromium) -> None:
    entry = next(e for e in phrases() if e["archived"] and e["cohort"] == "2024-january")
    with serve_site(demo_site) as base:
        page = chromium.new_page(viewport={"width": 1280, "height": 800})
        page.goto(base + "2025-january/")
        box = page.locator("[data-ca-header-search] input[name=q]")
        page.keyboard.press("/")
        assert box.evaluate("el => el === document.activeElement")
        assert page.evaluate("document.getElementById('__search').checked")
        page.keyboard.type(entry["phrase"])
        first = page.locator("[data-ca-header-search] .md-search-result__item a").first
        # (a pause while typing may show the hits of a shorter query first: wait for the whole phrase's)
        page.wait_for_function(
            "url => { const a = document.querySelector('[data-ca-header-search] .md-search-result__item a');"
            " return a && a.href.endsWith(url); }",
            arg=expected_url(base, entry),
        )
        assert first.get_attribute("href").endswith(expected_url(base, entry))
        screenshot(page, "search-header-dropdown")
        page.keyboard.press("ArrowDown")
        assert first.evaluate("el => el === document.activeElement")
        page.keyboard.press("Escape")
        assert not page.evaluate("document.getElementById('__search').checked")
        assert not box.evaluate("el => el === document.activeElement")
        page.keyboard.press("s")  # Material's other key
        assert box.evaluate("el => el === document.activeElement")
        page.keyboard.press("Enter")  # the box keeps the text: Enter opens the search page
        page.wait_for_url(re.compile(r"/search/\?q="))
        assert urlsplit(page.url).path == urlsplit(base).path + "search/"
        assert parse_qs(urlsplit(page.url).query)["q"] == [entry["phrase"]]
        wait_status(page, r"^1 result for")


def test_facet_narrows_hits_and_its_count_matches(demo_site: Path, chromium) -> None:
    with serve_site(demo_site) as base:
        page = chromium.new_page(viewport={"width": 1280, "height": 1000})
        page.goto(base + "search/?q=docker")
        total = status_count(wait_status(page, r"^\d+ results"))
        wait_facets(page)
        counts = facet_counts(page, "cohort")
        assert sum(counts.values()) == total  # every answer belongs to exactly one cohort
        cohort, count = "2025-january", counts["2025-january"]
        assert 0 < count < total
        within = facet_counts(page, "within")
        assert set(within) <= {"yes", "no"} and sum(within.values()) <= total
        page.locator(f".ca-facet[data-facet=cohort] input[value='{cohort}']").check()
        assert status_count(wait_status(page, r"\(filtered\)")) == count
        assert parse_qs(urlsplit(page.url).query) == {"q": ["docker"], "cohort": [cohort]}
        while page.locator(".ca-search__more").is_visible():
            shown = page.locator(".ca-hit").count()
            page.locator(".ca-search__more").click()
            page.wait_for_function("n => document.querySelectorAll('.ca-hit').length > n", arg=shown)
        assert page.locator(".ca-hit").count() == count
        wheres = {w.inner_text().split(" › ")[0] for w in page.locator(".ca-hit__where").all()}
        assert len(wheres) == 1 and "2025" in wheres.pop()
        # the other cohorts keep their counts (a second cohort can be added), this one is checked
        wait_facets(page)
        assert facet_counts(page, "cohort") == counts
        group_counts = facet_counts(page, "group")
        assert all(g.startswith(cohort + "/") for g in group_counts)
        assert sum(group_counts.values()) == count
        screenshot(page, "search-facet")
        page.go_back()
        assert status_count(wait_status(page, r"^\d+ results for “docker”\.$")) == total


def test_deep_link_runs_the_search_with_facets(demo_site: Path, chromium) -> None:
    with serve_site(demo_site) as base:
        page = chromium.new_page()
        page.goto(base + "search/?q=docker&question=docker&cohort=2026-january&cohort=2024-january")
        n = status_count(wait_status(page, r"\(filtered\)"))
        assert page.locator(".ca-search__input").input_value() == "docker"
        wait_facets(page)
        checked = page.locator(".ca-facet input:checked")
        assert sorted(c.get_attribute("value") for c in checked.all()) == [
            "2024-january",
            "2026-january",
            "docker",
        ]
        titles = [t.inner_text() for t in page.locator(".ca-hit__title").all()]
        assert titles and all(t.endswith("· Docker") for t in titles)
        assert len(titles) == min(n, 10)
        # facets alone (no words) list the answers to a question
        page.goto(base + "search/?question=docker&cohort=2025-january")
        assert status_count(wait_status(page, r"\(filtered\)")) >= 3
        # typing keeps the URL in sync
        page.locator(".ca-search__input").fill("wandb")
        page.wait_for_function("() => new URLSearchParams(location.search).get('q') === 'wandb'")
        assert parse_qs(urlsplit(page.url).query)["cohort"] == ["2025-january"]


def test_query_without_hits_says_so(demo_site: Path, chromium) -> None:
    # "xylophone" is in no answer, but Pagefind falls back to the longest indexed prefix of a word it
    # lacks ("x", from `curl -X`): those hits are not shown either
    with serve_site(demo_site) as base:
        page = chromium.new_page()
        for q in ("qqqzzzxxx", "xylophone"):
            page.goto(base + "search/?q=" + q)
            assert wait_status(page, "^No results") == f"No results for “{q}”."
            assert page.locator(".ca-hit").count() == 0
            page.wait_for_timeout(500)  # the facets come after the hits: none may count a fallback hit
            assert all(sum(facet_counts(page, name).values()) == 0 for name in ("cohort", "question"))
        screenshot(page, "search-no-hits")


# (query word, a word of a hit) -> whether the hit is a real match, not Pagefind's prefix fallback: the
# page's rough stem must never be longer than Pagefind's Snowball stem ("compose" -> "compos"), or real
# hits are dropped ("docker compose" once found nothing at 600 groups)
STEMS = [
    ("compose", "composing", True), ("configure", "configuring", True), ("image", "imaging", True),
    ("installation", "installing", True), ("running", "run", True), ("studies", "study", True),
    ("containers", "containerized", True), ("toadsto", "toadstool", True),
    ("toadstool", "to", False), ("photon", "photos", False), ("headwind", "head", False),
    ("dockerfiles", "docker", False),
]  # fmt: skip


def test_the_fallback_check_keeps_every_form_of_a_word(demo_site: Path, chromium) -> None:
    with serve_site(demo_site) as base:
        page = chromium.new_page()
        page.goto(base + "search/")
        stems = page.evaluate(
            "(ts) => ts.map((t) => window.CohortArchiveSearch.stem(t))", [t for t, _, _ in STEMS]
        )
    for (term, word, same), stem in zip(STEMS, stems, strict=True):
        assert word.startswith(stem) is same, (term, word, stem)


def test_a_word_one_cohort_used_finds_its_answer_alone(demo_site: Path, chromium) -> None:
    # each cohort is its own Pagefind bundle; the bundles that lack "toadstool" fall back to "to"
    # (Pagefind #780), which once listed 99 answers with "to" around the one real hit
    entry = next(e for e in phrases() if e["phrase"].startswith("toadstool"))
    with serve_site(demo_site) as base:
        page = chromium.new_page(viewport={"width": 1280, "height": 1000})
        page.goto(base + "search/")
        (count, hits), (typing, typed) = page.evaluate(UI_SEARCH, [["toadstool", "toadsto"], 5])
        assert (count, hits) == (1, [expected_url(base, entry)])
        assert (typing, typed) == (1, hits)  # a word being typed still finds the longer word
        page.goto(base + "search/?q=toadstool")
        assert wait_status(page, r"^1 result for") == "1 result for “toadstool”."
        wait_facets(page)
        assert facet_counts(page, "cohort") == {entry["cohort"]: 1}
        assert facet_counts(page, "group") == {f"{entry['cohort']}/{entry['group']}": 1}
        # words every cohort uses still find answers in all of them
        for q in ("docker", "docker image"):
            page.goto(base + "search/?q=" + q)
            wait_status(page, r"^\d+ results")
            wait_facets(page)
            assert len(facet_counts(page, "cohort")) == 4, q


def test_hits_come_from_the_answers_words_alone(demo_site: Path, chromium) -> None:
    """An answer's group, number and question title are not its words: "group" or a group's number finds
    only answers that say it, and a cohort whose best hit is such an answer is not dropped as a fallback."""
    with serve_site(demo_site) as base:
        page = chromium.new_page(viewport={"width": 1280, "height": 1000})
        page.goto(base + "search/")
        hits = page.evaluate(
            """async () => {
              const found = await window.CohortArchiveSearch.search("group", {}, 400);
              return found.results.map((d) => [d.url, d.content]);
            }"""
        )
        assert hits and all(re.search(r"\bgroup", text, re.I) for _, text in hits), hits[:3]
        # the hit is named from its filters and anchor, as the record's title used to name it
        page.goto(base + "search/?q=toadstool")
        wait_status(page, r"^1 result for")
        entry = next(e for e in phrases() if e["phrase"].startswith("toadstool"))
        where = page.locator(".ca-hit__where").first.inner_text()
        title = page.locator(".ca-hit__title").first.inner_text()
        assert where.endswith(f"Group {entry['group']}") and title.startswith(f"Q{entry['question']} · ")


def test_hand_written_pages_are_searchable(demo_site: Path, chromium) -> None:
    about = (REPO / "docs" / "about.md").read_text(encoding="utf-8")
    assert "sanitised" in about
    with serve_site(demo_site) as base:
        page = chromium.new_page()
        page.goto(base + "search/")
        [(_count, hits)] = page.evaluate(UI_SEARCH, [["sanitised"], 20])
    assert urlsplit(base).path + "about/" in [h.split("#")[0] for h in hits]


def test_student_html_in_the_demo_never_runs(demo_site: Path, chromium) -> None:
    with serve_site(demo_site) as base:
        page = chromium.new_page()
        dialogs = no_dialogs(page)
        page.goto(base + "search/?q=visitors+script")
        wait_status(page, r"^\d+ results?")
        assert page.locator(".ca-search__results script, .ca-search__results [onerror]").count() == 0
        page.goto(base + "search/?q=api+docs&cohort=2025-january")
        wait_status(page, r"results?")
        assert page.locator(".ca-search__results a[href^='javascript:']").count() == 0
        assert dialogs == []


def test_file_protocol_says_to_serve_the_site(demo_site: Path, chromium) -> None:
    page = chromium.new_page()
    page.goto((demo_site / "search" / "index.html").as_uri() + "?q=docker")
    assert "served over http(s)" in wait_status(page, "served over")
    page.locator("[data-ca-header-search] input[name=q]").fill("docker")
    page.wait_for_function(
        "() => /served over/.test(document.querySelector('[data-ca-header-search] "
        ".md-search-result__meta').textContent)"
    )


# --- small hand-made archives (test_search.make_archive) ------------------------------------------------


def search_site(site: Path, archive) -> str:
    """A bare site (the search page and search.js, no MkDocs) with the archive's index; the stats line."""
    from test_search import page_url

    (site / "search").mkdir(parents=True)
    (site / "assets" / "cohort-archive").mkdir(parents=True)
    shutil.copy(ASSETS / "search.js", site / "assets" / "cohort-archive" / "search.js")
    body = search_page().markdown.split("---\n", 2)[2]
    (site / "search" / "index.html").write_text(
        "<!doctype html><html lang='en'><body>"
        + body.split("\n\n", 1)[1]
        + "<script src='../assets/cohort-archive/search.js'></script></body></html>",
        encoding="utf-8",
    )
    return SearchIndexer(site, archive, page_url, None).run()


def test_hits_and_facet_counts_come_from_every_cohort_bundle(tmp_path: Path, chromium) -> None:
    """Each cohort is a bundle of its own (the older ones merged in the browser): one query finds the
    answers of all of them, the facet counts add up across bundles, and a filter a bundle lacks (the free-form
    report has no question) leaves that bundle's hits out."""
    from test_search import make_archive

    archive = make_archive()
    archive.rendered["2025-january/17"].answers[3] = "<p>A heron in the pipeline.</p>"
    archive.rendered["2025-january/3"].answers[4] = "<p>The heron image, built by Docker.</p>"
    archive.rendered["2024-january/8"].free_form = "<h1>Our report</h1><p>heron heron heron</p>"
    site = tmp_path / "site"
    assert search_site(site, archive).startswith("4 answers and 0 pages; ")
    assert sorted(p.name for p in (site / "pagefind" / "cohorts").iterdir()) == ["2024-january"]
    with serve_site(site) as base:
        page = chromium.new_page(viewport={"width": 1280, "height": 1000})
        page.goto(base + "search/?q=heron")
        assert status_count(wait_status(page, r"^\d+ results? for")) == 3
        wait_facets(page)
        assert facet_counts(page, "cohort") == {"2025-january": 2, "2024-january": 1}
        assert facet_counts(page, "question") == {"third-party-framework": 1, "docker": 1}
        assert facet_counts(page, "group") == {"2025-january/17": 1, "2025-january/3": 1, "2024-january/8": 1}
        hits = [h.inner_text() for h in page.locator(".ca-hit__where").all()]
        assert sorted(hits) == ["January 2024 › Group 8", "January 2025 › Group 17", "January 2025 › Group 3"]
        hrefs = [a.get_attribute("href") for a in page.locator(".ca-hit__link").all()]
        assert sorted(urlsplit(h).path + "#" + urlsplit(h).fragment for h in hrefs) == [
            "/archive/2024-january/groups/8/#",
            "/archive/2025-january/groups/17/#q3",
            "/archive/2025-january/groups/3/#q4",
        ]
        # the older cohort only: the merged bundle's hit, the other cohort's count kept for adding it back
        page.locator(".ca-facet[data-facet=cohort] input[value='2024-january']").check()
        assert status_count(wait_status(page, r"\(filtered\)")) == 1
        wait_facets(page)
        assert facet_counts(page, "cohort") == {"2025-january": 2, "2024-january": 1}
        assert page.locator(".ca-hit__where").inner_text() == "January 2024 › Group 8"
        # a question: the report (no question) is left out, though its bundle has no question filter at all
        page.goto(base + "search/?q=heron&question=docker")
        assert status_count(wait_status(page, r"\(filtered\)")) == 1
        assert page.locator(".ca-hit__where").inner_text() == "January 2025 › Group 3"
        wait_facets(page)
        assert facet_counts(page, "cohort") == {"2025-january": 1}
        # the UI's search function (used by the ranking tests) sees both bundles too
        found = page.evaluate("async () => (await window.CohortArchiveSearch.search('heron', {}, 10)).count")
        assert found == 3


# --- escaping, on an index whose answers hold markup as text -------------------------------------------


def test_markup_in_answers_is_shown_as_text(tmp_path: Path, chromium) -> None:
    """search.js builds hits with DOM calls only: markup in the index (answer text, titles) stays text."""
    from test_search import make_archive

    archive = make_archive()
    archive.rendered["2025-january/17"].answers[4] = (
        "<p>kelpie &lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt; and "
        "&lt;script&gt;window.__pwned=2&lt;/script&gt; plus &lt;b&gt;bold&lt;/b&gt; kelpie</p>"
    )
    archive.cohorts[1].settings.title = "<i>January</i> 2025 <img src=x onerror=window.__pwned=3>"
    site = tmp_path / "site"
    assert search_site(site, archive).startswith("4 answers")
    with serve_site(site) as base:
        page = chromium.new_page()
        dialogs = no_dialogs(page)
        page.goto(base + "search/?q=kelpie")
        wait_status(page, r"^1 result for “kelpie”")
        hit = page.locator(".ca-hit").first
        excerpt = hit.locator(".ca-hit__excerpt")
        assert "<img src=x onerror=" in excerpt.inner_text()
        assert "<script>window.__pwned=2</script>" in excerpt.inner_text()
        assert "<b>bold</b>" in excerpt.inner_text()
        assert excerpt.locator("img, script, b").count() == 0
        assert [m.inner_text() for m in excerpt.locator("mark").all()] == ["kelpie", "kelpie"]
        assert "<i>January</i> 2025" in hit.locator(".ca-hit__where").inner_text()
        assert page.locator(".ca-search__results img, .ca-search__results i").count() == 0
        wait_facets(page)
        assert page.locator(".ca-search__facets img, .ca-search__facets i").count() == 0
        assert "<i>January</i> 2025" in page.locator(".ca-facet[data-facet=cohort]").inner_text()
        assert page.evaluate("window.__pwned") is None
        assert dialogs == []


# --- ranking on the real corpus ------------------------------------------------------------------------


class _Answers(HTMLParser):
    """The text of every `div.ca-answer` after an `id="qN"` heading on a group page: {N: text}."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.answers: dict[int, list[str]] = {}
        self.current: int | None = None
        self.depth = 0
        self.chunks: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        attrs = dict(attrs)
        if self.depth:
            if tag == "div":
                self.depth += 1
            self.chunks.append(self.get_starttag_text() or "")
            return
        if re.fullmatch(r"q\d+", attrs.get("id") or "") and tag.startswith("h"):
            self.current = int(attrs["id"][1:])
        elif tag == "div" and "ca-answer" in (attrs.get("class") or "").split() and self.current is not None:
            self.depth, self.chunks = 1, []

    def handle_endtag(self, tag) -> None:
        if self.depth:
            if tag == "div":
                self.depth -= 1
                if not self.depth:
                    assert self.current is not None
                    self.answers[self.current] = self.chunks
                    self.current = None
                    return
            self.chunks.append(f"</{tag}>")

    def handle_data(self, data) -> None:
        if self.depth:
            self.chunks.append(data)

    def handle_entityref(self, name) -> None:
        if self.depth:
            self.chunks.append(f"&{name};")

    def handle_charref(self, name) -> None:
        if self.depth:
            self.chunks.append(f"&#{name};")


def page_answers(html_path: Path) -> dict[int, str]:
    parser = _Answers()
    parser.feed(html_path.read_text(encoding="utf-8"))
    return {n: html_to_text("".join(chunks)) for n, chunks in parser.answers.items()}


WORD = re.compile(r"^[A-Za-z][a-z]{2,}$")


def norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", text.lower()).split())


def distinctive_phrase(text: str, others: list[str], rng: random.Random) -> str | None:
    """3-4 plain words in a row from `text` that no other answer contains (as normalised text)."""
    words = text.split()
    starts = list(range(len(words)))
    rng.shuffle(starts)
    for size in (4, 3):
        for i in starts:
            window = words[i : i + size]
            if len(window) < size or not all(WORD.match(w) for w in window):
                continue
            if max(len(w) for w in window) < 6:
                continue
            phrase = " ".join(window)
            needle = norm(phrase)
            if not any(needle in o for o in others):
                return phrase
    return None


@pytest.mark.corpus
def test_corpus_distinctive_phrases_rank_their_answer_in_the_top_3(corpus_site: Path, chromium) -> None:
    answers: dict[str, str] = {}  # "/cohort/groups/N/#qM" -> text
    for html in sorted(corpus_site.glob("*/groups/*/index.html")):
        url = "/" + html.parent.relative_to(corpus_site).as_posix() + "/"
        for number, text in page_answers(html).items():
            if text:
                answers[f"{url}#q{number}"] = text
    assert len(answers) > 500, "the corpus site should have hundreds of answers"
    rng = random.Random(2476)
    normalised = {url: norm(text) for url, text in answers.items()}
    picks: list[tuple[str, str]] = []
    for url in rng.sample(sorted(answers), len(answers)):
        if len(answers[url].split()) < 12:
            continue
        others = [t for u, t in normalised.items() if u != url and t != normalised[url]]
        phrase = distinctive_phrase(answers[url], others, rng)
        if phrase:
            picks.append((url, phrase))
        if len(picks) == 20:
            break
    assert len(picks) == 20
    with serve_site(corpus_site) as base:
        prefix = urlsplit(base).path.rstrip("/")
        page = chromium.new_page()
        page.goto(base + "search/")
        results = page.evaluate(UI_SEARCH, [[p for _, p in picks], 3])
    misses = []
    for (url, phrase), (_, top) in zip(picks, results, strict=True):
        same_text = {u for u, t in normalised.items() if t == normalised[url]}  # a repo reused across cohorts
        if not {prefix + u for u in same_text} & set(top):
            misses.append(f"{phrase!r} -> {url} not in {top}")
    assert not misses, "\n".join(misses)
