"""Whole-site checks on real `mkdocs build` output: the demo archive and the real corpus."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from cohort_archive.model import Problem
from cohort_archive.pages.common import problems_admonition
from conftest import REPO, corpus_dir, corpus_git_env, mkdocs_build

pytestmark = pytest.mark.slow

GROUP_INFO = {"group-number", "student-numbers"}  # on the group page, not question pages


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.imgs: list[str] = []
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "img" and a.get("src"):
            self.imgs.append(a["src"])
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])


def refs(page: Path) -> _Refs:
    parser = _Refs()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def local_target(site: Path, page: Path, url: str) -> Path | None:
    """The file a local URL on `page` points at, or None for external/anchor-only URLs."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    target = (page.parent / unquote(parts.path)).resolve()
    if url.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target


def html_pages(site: Path) -> list[Path]:
    """Every built page but the site's 404.html, whose links are root-absolute by design."""
    return [p for p in site.rglob("*.html") if "pagefind" not in p.parts and p != site / "404.html"]


def check_local_refs(site: Path) -> list[str]:
    broken = []
    for page in html_pages(site):
        r = refs(page)
        for url in r.imgs + r.links:
            target = local_target(site, page, url)
            if target is not None and not target.exists():
                broken.append(f"{page.relative_to(site)} -> {url}")
    return broken


def export(site: Path) -> dict:
    return json.loads((site / "export" / "archive.json").read_text())


def group_page(site: Path, page_url: str) -> Path:
    return site / page_url / "index.html"


def question_page_groups(site: Path, cohort: str, question: str) -> set[int]:
    page = site / cohort / "questions" / question / "index.html"
    ids = refs(page).ids
    return {int(m.group(1)) for i in ids if (m := re.fullmatch(rf"{re.escape(cohort)}-group-(\d+)", i))}


def assert_question_pages_complete(site: Path) -> None:
    """Each per-cohort question page shows exactly the groups whose export says they answered it."""
    for cohort in export(site)["cohorts"]:
        answered: dict[str, set[int]] = {}
        for g in cohort["groups"]:
            for a in g["answers"]:
                if a["answered"] and a["question"] not in GROUP_INFO:
                    answered.setdefault(a["question"], set()).add(g["group"])
        assert answered
        for question, groups in answered.items():
            assert question_page_groups(site, cohort["id"], question) == groups, (cohort["id"], question)


# --- the demo ---------------------------------------------------------------------------------------


def test_demo_builds_strict_and_exports_every_group(demo_site: Path) -> None:
    doc = export(demo_site)
    assert doc["schema"] == 1
    groups = [g for c in doc["cohorts"] for g in c["groups"]]
    assert len(doc["cohorts"]) == 4
    assert {g["status"] for g in groups} >= {"ok", "unavailable", "no-report"}
    for g in groups:
        assert g["page"], g
        assert group_page(demo_site, g["page"]).exists(), g["page"]
        if g["status"] == "ok":
            assert g["commit"] and g["commit_date"]
    assert (demo_site / "export" / "answers.csv").read_text().startswith("cohort,group,")
    # each roster problem once, its file named relative to mkdocs.yml (no builder's folder in the site)
    assert doc["problems"] and len(doc["problems"]) == len(set(doc["problems"]))
    assert all(p.startswith("reports/demo/rosters/") for p in doc["problems"]), doc["problems"]


def test_demo_has_no_broken_local_links_or_images(demo_site: Path) -> None:
    assert check_local_refs(demo_site) == []


def test_demo_question_pages_show_every_answering_group(demo_site: Path) -> None:
    assert_question_pages_complete(demo_site)


def test_demo_group_page_has_anchors_meta_and_problems(demo_site: Path) -> None:
    doc = export(demo_site)
    g = next(g for c in doc["cohorts"] for g in c["groups"] if g["status"] == "ok" and g["problems"])
    page = group_page(demo_site, g["page"])
    text = page.read_text()
    r = refs(page)
    for a in g["answers"]:
        if a["question"] not in ("group-number", "student-numbers"):
            assert f"q{a['number']}" in r.ids
    assert ("admonition" in text or '<details class="warning">' in text) and "problem" in text.lower()
    assert "words" in text
    numbers = [m.group(1) for p in g["problems"] if (m := re.search(r"(?:^|: )Q(\d+): ", p))]
    assert numbers and f'<a href="#q{numbers[0]}"><strong>Q{numbers[0]}</strong></a>' in text  # to its answer


def test_long_problem_lists_fold_and_link_to_their_answers() -> None:
    few = [Problem("Q3", "unanswered", "1/2", "info"), Problem("reports/README.md", "front matter <b>")]
    html = problems_admonition(few, links={"Q3": "#q3"})
    assert html.startswith('<div class="admonition warning">') and "1 problem and 1 note" in html
    assert '<a href="#q3"><strong>Q3</strong></a>: unanswered' in html
    assert "<strong>reports/README.md</strong>: front matter &lt;b&gt;" in html
    many = few * 3
    html = problems_admonition(many)
    assert html.startswith('<details class="warning"><summary>3 problems and 3 notes</summary>')
    notes = problems_admonition([Problem("Q3", "template chosen by the hint", severity="info")])
    assert notes.startswith('<div class="admonition note"><p class="admonition-title">1 note</p>')
    assert problems_admonition([*many, Problem("Q1", "x", severity="error")]).startswith(
        '<details class="danger">'
    )


def test_demo_checklist_items_show_each_module_tag_once_and_code_as_code(demo_site: Path) -> None:
    doc = export(demo_site)
    checked = 0
    for g in (g for c in doc["cohorts"] for g in c["groups"] if g["status"] == "ok"):
        text = group_page(demo_site, g["page"]).read_text()
        if 'class="task-list"' not in text:
            continue
        items = re.findall(r'<li class="task-list-item">(.*?)</li>', text, re.S)
        for item in items:
            shown = re.sub(r"<[^>]+>", "", item)
            assert len(re.findall(r"\(M\d+", shown)) <= 1, shown
            assert not re.search(r"\S\(M\d", shown), shown
            assert "`" not in shown, shown
        checked += any("<code>" in item for item in items)
    assert checked, "no demo checklist item with a code span"
    heatmap = (demo_site / "2025-january" / "checklist" / "index.html").read_text()
    labels = re.findall(r"<tr><th>(.*?)</th>", heatmap, re.S)
    assert labels and any("<code>" in label for label in labels)
    for label in labels:
        shown = re.sub(r"<[^>]+>", "", label)
        assert len(re.findall(r"\(M\d+", shown)) <= 1 and not re.search(r"\S\(M\d", shown), shown


def test_demo_question_page_says_which_groups_its_numbers_leave_out(demo_site: Path) -> None:
    doc = export(demo_site)
    cohort = next(c for c in doc["cohorts"] if c["id"] == "2025-january")
    counted = sum(1 for g in cohort["groups"] if any(a["question"] == "api-testing" for a in g["answers"]))
    assert 0 < counted < len(cohort["groups"])
    text = (demo_site / "2025-january" / "questions" / "api-testing" / "index.html").read_text()
    assert f"Counted over the {counted} groups whose report has this question" in text
    assert f"the other {len(cohort['groups']) - counted} " in text


def test_demo_unavailable_group_has_a_page_saying_so(demo_site: Path) -> None:
    doc = export(demo_site)
    g = next(g for c in doc["cohorts"] for g in c["groups"] if g["status"] == "unavailable")
    assert "unavailable" in group_page(demo_site, g["page"]).read_text().lower()


def test_demo_sanitises_student_html(demo_site: Path) -> None:
    for page in html_pages(demo_site):
        if "/groups/" not in str(page) and "/questions/" not in str(page):
            continue
        text = page.read_text()
        for m in re.finditer(r"<script\b[^>]*>(.*?)</script>", text, re.S):
            assert "alert(" not in m.group(1), page
        assert "onerror=" not in text, page
        assert 'href="javascript:' not in text.lower(), page


def test_demo_cross_cohort_topic_page(demo_site: Path) -> None:
    doc = export(demo_site)
    deploy = next(q for q in doc["questions"] if q["id"] == "deploy-model")
    assert deploy["numbers"]["2024-january"] == 22 and deploy["numbers"]["2025-january"] == 24
    assert deploy["page"] and set(deploy["pages"]) >= {"2024-january", "2025-january"}
    text = (demo_site / deploy["page"] / "index.html").read_text()
    assert "Q22" in text and "Q24" in text


def test_a_roster_that_gives_no_group_is_a_warning(demo_site: Path, tmp_path: Path) -> None:
    """A mistyped roster path drops a whole cohort: the log says so at WARNING (`--strict` fails)."""
    rosters = REPO / "reports" / "demo" / "rosters"
    missing = tmp_path / "2024-june.csv"
    env = {
        "COHORT_CACHE": str(tmp_path / "cache"),
        "COHORT_ROSTERS": f"{rosters / '2025-january.csv'}:{missing}",
    }
    proc = mkdocs_build(tmp_path / "site", env=env)
    warnings = [line for line in (proc.stdout + proc.stderr).splitlines() if line.startswith("WARNING")]
    assert any(f"roster {missing} gives no group (cannot read the roster" in line for line in warnings), (
        warnings
    )


# --- the real corpus --------------------------------------------------------------------------------


@pytest.mark.corpus
def test_corpus_every_group_has_a_page_and_question_pages_are_complete(corpus_site: Path) -> None:
    doc = export(corpus_site)
    groups = [(c["id"], g) for c in doc["cohorts"] for g in c["groups"]]
    assert len(groups) == 32
    assert all(g["status"] == "ok" and g["commit"] for _, g in groups)
    for _, g in groups:
        assert group_page(corpus_site, g["page"]).exists()
    assert_question_pages_complete(corpus_site)


@pytest.mark.corpus
def test_corpus_deployment_topic_spans_renumbered_questions(corpus_site: Path) -> None:
    doc = export(corpus_site)
    deploy = next(q for q in doc["questions"] if q["id"] == "deploy-model")
    page = corpus_site / deploy["page"] / "index.html"
    ids = refs(page).ids
    text = page.read_text()
    for cohort in doc["cohorts"]:
        for g in cohort["groups"]:
            a = next((a for a in g["answers"] if a["question"] == "deploy-model"), None)
            if a and a["answered"]:
                assert f"{cohort['id']}-group-{g['group']}" in ids
                expected = 22 if g["template"] in ("2023-january", "2024-january") else 24
                assert a["number"] == expected
    assert "Q22" in text and "Q24" in text


@pytest.mark.corpus
def test_corpus_svg_figures_are_copied_whole(corpus_site: Path) -> None:
    """The real SVGs (a Mermaid flowchart among them) hold nothing the cleaner removes: labels kept."""
    log = (corpus_site.parent / "build.log").read_text()
    assert "scripts, event handlers or links removed" not in log and "not a well-formed SVG" not in log
    svgs = list((corpus_site / "assets" / "figures").rglob("*.svg"))
    assert svgs and all(b"<svg:svg" in p.read_bytes()[:400] for p in svgs)  # every one went through it


@pytest.mark.corpus
def test_corpus_site_has_no_broken_local_links_or_images(corpus_site: Path) -> None:
    assert check_local_refs(corpus_site) == []


@pytest.mark.corpus
def test_corpus_rebuilds_offline_from_the_cache_with_the_same_commits(
    corpus_site: Path, tmp_path: Path
) -> None:
    """COHORT_OFFLINE=1 (as the environment gives it) and the rewriting pointed at nothing: same commits."""
    corpus = corpus_dir()
    rosters = ":".join(str(p) for p in sorted((corpus / "rosters").glob("*.csv")))
    env = {
        **corpus_git_env(tmp_path / "no-such-folder"),
        "COHORT_ROSTERS": rosters,
        "COHORT_CACHE": str(corpus_site.parent / "cache"),
        "COHORT_OFFLINE": "1",
    }
    mkdocs_build(tmp_path / "site", env=env)
    before, after = export(corpus_site), export(tmp_path / "site")
    commits = {(c["id"], g["group"]): g["commit"] for c in before["cohorts"] for g in c["groups"]}
    again = {(c["id"], g["group"]): (g["status"], g["commit"]) for c in after["cohorts"] for g in c["groups"]}
    assert len(commits) == 32
    assert again == {k: ("ok", v) for k, v in commits.items()}


def test_demo_generated_pages_have_a_toc_and_lightboxed_figures(demo_site: Path) -> None:
    """Generated pages skip Python-Markdown: the TOC, anchors and lightbox links are still there."""
    doc = export(demo_site)
    g = next(
        g for c in doc["cohorts"] for g in c["groups"] if g["status"] == "ok" and g["figures"].get("resolved")
    )
    text = group_page(demo_site, g["page"]).read_text()
    toc = text.split('class="md-nav md-nav--secondary"', 1)[1].split('class="md-content"', 1)[0]
    answered = [a for a in g["answers"] if a["question"] not in ("group-number", "student-numbers")]
    for a in answered:
        assert f'href="#q{a["number"]}"' in toc
    assert re.search(r'<a class="glightbox"[^>]*><img\b', text), "figures open in the lightbox"
    assert "<!--ca-" not in text and "@@" not in text
    assert "<html><head>" not in text.split("<body", 1)[1]


def test_commit_day_is_the_deadlines_day() -> None:
    from datetime import datetime, timedelta, timezone

    from cohort_archive.pages.common import commit_day

    cph = timezone(timedelta(hours=1))
    deadline = datetime(2025, 1, 24, 23, 59, tzinfo=cph)
    late_night = datetime(2025, 1, 25, 0, 30, tzinfo=timezone(timedelta(hours=2)))  # 23:30 in Copenhagen
    assert commit_day(late_night, deadline) == "2025-01-24"
    assert commit_day(late_night, None) == "2025-01-25"
    assert commit_day(None, deadline) == "–"


def test_figures_found_not_to_be_images_only_when_copied_are_mended(tmp_path: Path) -> None:
    """A figure whose file is a Git LFS pointer that no .gitattributes announced, or no image at all, is
    known only when it is copied, after its pages are written: those pages and the export are mended."""
    from fixtures.parse.factory import render

    from cohort_archive.registry import load_registry
    from gitrepos import PNG, BareRepo, write_roster

    template = load_registry(REPO / "reports" / "templates").template("2025-january")
    pointer = b"version https://git-lfs.github.com/spec/v1\noid sha256:" + b"a" * 64 + b"\nsize 12345\n"
    repos = tmp_path / "repos" / "github.com" / "acme"
    files = {
        1: {"reports/figures/b.png": pointer, "reports/figures/ok.png": PNG},
        2: {"reports/figures/b.png": b"<!DOCTYPE html><html>saved from the browser</html>"},
    }
    commits = {}
    for n, extra in files.items():
        report = render(template, {1: f"group {n}", 14: "![board](figures/b.png)\n\n![fine](figures/ok.png)"})
        commits[n] = BareRepo.create(repos / f"g{n}.git").commit({"reports/README.md": report, **extra})
    roster = write_roster(
        tmp_path / "2025-january.csv", [(n, f"https://github.com/acme/g{n}") for n in files]
    )
    env = {
        "GIT_CONFIG_COUNT": "1",
        "GIT_CONFIG_KEY_0": f"url.file://{tmp_path}/repos/github.com/.insteadOf",
        "GIT_CONFIG_VALUE_0": "https://github.com/",
        "COHORT_ROSTERS": str(roster),
        "COHORT_CACHE": str(tmp_path / "cache"),
    }
    site = tmp_path / "site"
    mkdocs_build(site, env=env)
    assert check_local_refs(site) == []  # no page shows a figure file that is not there
    one = (site / "2025-january" / "groups" / "1" / "index.html").read_text()
    assert f'src="https://github.com/acme/g1/raw/{commits[1]}/reports/figures/b.png"' in one
    two = (site / "2025-january" / "groups" / "2" / "index.html").read_text()
    assert "missing figure: figures/b.png" in two and "figures-b.png" not in two
    question = (site / "2025-january" / "questions" / "experiment-tracking" / "index.html").read_text()
    assert f"https://github.com/acme/g1/raw/{commits[1]}/reports/figures/b.png" in question
    groups = {g["group"]: g for g in export(site)["cohorts"][0]["groups"]}
    assert groups[1]["figures"]["lfs"] == 1 and "figures/b.png" not in groups[1]["figures"]["missing"]
    assert "figures/b.png" in groups[2]["figures"]["missing"] and groups[2]["figures"]["lfs"] == 0
    assert any("is not an image: not shown" in p for p in groups[2]["problems"])
    assert any("without .gitattributes: shown from GitHub" in p for p in groups[1]["problems"])
