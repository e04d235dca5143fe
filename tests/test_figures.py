"""Figure references: finding them, resolving them against a repo tree, rewriting them for the site.

All trees are in-memory DictTrees with invented file names; no git involved.
"""

from __future__ import annotations

import unicodedata

import pytest

from cohort_archive.figures import (
    apply_figures,
    figure_files,
    find_image_refs,
    find_links,
    resolve_ref,
    site_names,
    summarize,
)
from cohort_archive.figures.refs import find_code_image_refs
from cohort_archive.figures.resolve import ROOT_FALLBACK_NOTE, TreeIndex, locate, parse_repo_url
from cohort_archive.model import Answer, DictTree, Report

REPO_URL = "https://github.com/Example-Org/Owl-Detector"
COMMIT = "0123456789abcdef0123456789abcdef01234567"
BASE = "@@ROOT@@/figures/2031-june/7"

NFC_NAME = unicodedata.normalize("NFC", "reports/figures/Mødeplan-Página.png")
NFD_NAME = unicodedata.normalize("NFD", "reports/figures/Señal.png")

FILES = {
    "reports/README.md": "# report",
    "reports/figures/loss.png": b"\x89PNG",
    "reports/figures/Loss Curve.png": b"\x89PNG",
    "reports/figures/CamelCase.png": b"\x89PNG",
    "reports/figures/W&B_runs.png": b"\x89PNG",
    "reports/figures/100%.png": b"\x89PNG",
    "reports/figures/sweeps/run 1.jpeg": b"\xff\xd8",
    "reports/our_figures/arch.svg": "<svg/>",
    NFC_NAME: b"\x89PNG",
    NFD_NAME: b"\x89PNG",
    "docs/source/figures/architecture.png": b"\x89PNG",
    "src/owl/app.py": "print('hoot')",
    "dockerfiles/train.dockerfile": "FROM python",
}
SYMLINKS = {
    "reports/figures/passwd.png": "/etc/passwd",  # a symlinked file
    "reports/shots": "../../..",  # a symlinked folder
}


class NoReadTree(DictTree):
    """A tree whose files must never be read by resolution or rewriting."""

    def read(self, path: str) -> bytes | None:
        raise AssertionError(f"figure resolution read {path}")


@pytest.fixture
def tree() -> DictTree:
    return NoReadTree(FILES, SYMLINKS)


def answer(number: int, markdown: str) -> Answer:
    return Answer(
        number=number,
        question=f"q{number}",
        markdown=markdown,
        answered=True,
        words=0,
        images=0,
        within_limits=None,
    )


def run(markdown: str, tree: DictTree, *, number: int = 14, repo_url: str | None = REPO_URL) -> Report:
    report = Report(template="2031-june", answers=[answer(number, markdown)])
    return apply_figures(
        report, tree, repo_url=repo_url, commit=COMMIT, figure_base=BASE, group="2031-june/7"
    )


# --- finding references ----------------------------------------------------------------------------


def refs(markdown: str) -> list[tuple[str, str]]:
    return [(r.ref, r.kind) for r in find_image_refs(markdown)]


def test_inline_image_forms():
    md = (
        '![a](figures/a.png) ![b](<figures/b c.png>) ![c](figures/c.png "A title")\n'
        "![d](./figures/d.png) ![e](/reports/figures/e.png) ![f](figures/f.png?raw=true)\n"
        "![g](figures/g%20h.png) ![](figures/empty-alt.png)\n"
    )
    assert refs(md) == [
        ("figures/a.png", "markdown"),
        ("figures/b c.png", "markdown"),
        ("figures/c.png", "markdown"),
        ("./figures/d.png", "markdown"),
        ("/reports/figures/e.png", "markdown"),
        ("figures/f.png?raw=true", "markdown"),
        ("figures/g%20h.png", "markdown"),
        ("figures/empty-alt.png", "markdown"),
    ]


def test_spans_cover_the_whole_construct():
    md = 'Look: ![alt](<figures/b c.png> "t") done'
    (ref,) = find_image_refs(md)
    assert md[ref.start : ref.end] == '![alt](<figures/b c.png> "t")'


def test_reference_style_images():
    md = (
        "![full][Loss-Fig] and ![loss-fig][] and ![Loss-Fig]\n\n"
        "[loss-fig]: figures/loss.png\n"
        '[other]: <figures/with space.png> "title"\n'
        "> ![quoted][other]\n"
    )
    found = find_image_refs(md)
    assert [(r.ref, r.kind) for r in found] == [
        ("figures/loss.png", "markdown"),
        ("figures/loss.png", "markdown"),
        ("figures/loss.png", "markdown"),
        ("figures/with space.png", "markdown"),
    ]
    assert md[found[0].start : found[0].end] == "![full][Loss-Fig]"


def test_reference_without_definition_is_not_a_ref():
    assert refs("![alt][nowhere] and [x] and [ ] task") == []


def test_definitions_from_elsewhere_count():
    assert refs("![arch][a]") == []
    assert refs_with("![arch][a]", {"A": "figures/arch.png"}) == [("figures/arch.png", "markdown")]


def refs_with(md: str, definitions: dict[str, str]) -> list[tuple[str, str]]:
    return [(r.ref, r.kind) for r in find_image_refs(md, definitions=definitions)]


@pytest.mark.parametrize(
    "tag, src",
    [
        ('<img src="figures/a.png" alt="x">', "figures/a.png"),
        ("<img src='figures/b.png'>", "figures/b.png"),
        ("<img src=figures/c.png width=300>", "figures/c.png"),
        ('<IMG SRC="figures/d.png"/>', "figures/d.png"),
        ('<img\n  alt="multi > line"\n  src="figures/e.png"\n/>', "figures/e.png"),
        ('<img alt="x" style="vertical-align: middle;" src="figures/f.svg" />', "figures/f.svg"),
        ('<img src="figures/a&amp;b.png">', "figures/a&b.png"),
    ],
)
def test_html_img_quoting_and_case(tag, src):
    assert refs(f"text {tag} text") == [(src, "html")]


def test_img_data_src_is_not_src():
    assert refs('<img data-src="figures/lazy.png">') == []


def test_plain_links_to_image_files_count_as_link_refs():
    md = (
        "[Image](figures/a.png) [shot](figures/B.JPG) [x](figures/c.jpeg) [y](figures/d.GIF)\n"
        "[z](figures/e.webp) [w](figures/f.bmp) [v](figures/g.svg?raw=true) [u](figures/h.PnG#frag)\n"
        "[code](../src/app.py) [pdf](figures/slides.pdf) [site](https://example.org)\n"
    )
    assert [r for r, _ in refs(md)] == [
        "figures/a.png",
        "figures/B.JPG",
        "figures/c.jpeg",
        "figures/d.GIF",
        "figures/e.webp",
        "figures/f.bmp",
        "figures/g.svg?raw=true",
        "figures/h.PnG#frag",
    ]
    assert {k for _, k in refs(md)} == {"link"}


def test_autolinks_to_images():
    md = "<https://example.org/plot.png> and <https://example.org/page>"
    assert refs(md) == [("https://example.org/plot.png", "autolink")]


def test_linked_image_counts_image_and_link():
    md = "[![thumb](figures/a.png)](figures/a.png)"
    assert refs(md) == [("figures/a.png", "link"), ("figures/a.png", "markdown")]


def test_refs_in_code_are_ignored():
    md = (
        "```markdown\n![fenced](figures/a.png)\n```\n"
        "~~~\n<img src='figures/b.png'>\n~~~\n"
        "> ```\n> ![quoted fence](figures/c.png)\n> ```\n"
        "Inline `![code](figures/d.png)` and ``![two](figures/e.png)`` spans.\n"
        "<!-- ![commented](figures/f.png) -->\n"
        "![real](figures/g.png)\n"
    )
    assert refs(md) == [("figures/g.png", "markdown")]


def test_template_pseudo_fence_does_not_open_a_code_block():
    md = "```--- question 1 fill here ---```\n\n![after](figures/a.png)\n"
    assert refs(md) == [("figures/a.png", "markdown")]


def test_unclosed_fence_runs_to_the_end():
    assert refs("```\n![a](figures/a.png)\n") == []


def test_broken_pseudo_link_syntax_is_not_a_ref():
    assert refs("see [this figure]{figures/wandb/x.png} and [that] (figures/y.png)") == []


def test_escaped_brackets_are_not_refs():
    assert refs(r"\![a](figures/a.png)") == [("figures/a.png", "link")]  # the `!` is text, a link remains
    assert refs(r"\[a](figures/a.png)") == []


def test_placeholder_paths_with_angle_brackets_in_the_middle():
    assert refs("![Screenshot1](figures/<Owl>.<png>)") == [("figures/<Owl>.<png>", "markdown")]


def test_lenient_destination_with_spaces():
    # GitHub shows text here, Python-Markdown (the site) shows an image: it is a reference for us
    assert refs("![a](figures/a b.png)") == [("figures/a b.png", "markdown")]


def test_code_image_refs_are_reported_separately():
    md = (
        "`![my_image](figures/<image>.<extension>)`\n"  # the template's own placeholder: ignored
        "`![mine](figures/mine.png)`\n"
        "```markdown\n![fenced](figures/fenced.png)\n```\n"
        "![shown](figures/shown.png)\n"
    )
    assert [r.ref for r in find_code_image_refs(md)] == ["figures/mine.png", "figures/fenced.png"]


def test_find_links_reports_non_image_links_too():
    md = "[app](../src/app.py) [top](#top) <a href='../x'>x</a> <https://example.org>"
    assert [(link.dest, link.syntax) for link in find_links(md)] == [
        ("../src/app.py", "inline"),
        ("#top", "inline"),
        ("../x", "html"),
        ("https://example.org", "autolink"),
    ]


# --- resolving -------------------------------------------------------------------------------------


def status(ref: str, tree: DictTree, **kw) -> tuple[str, str | None]:
    fig = resolve_ref(ref, tree, **kw)
    return fig.status, fig.path


@pytest.mark.parametrize(
    "ref, path",
    [
        ("figures/loss.png", "reports/figures/loss.png"),
        ("./figures/loss.png", "reports/figures/loss.png"),
        ("/reports/figures/loss.png", "reports/figures/loss.png"),
        ("figures/Loss%20Curve.png", "reports/figures/Loss Curve.png"),
        ("<figures/Loss Curve.png>", "reports/figures/Loss Curve.png"),
        ("figures/Loss Curve.png", "reports/figures/Loss Curve.png"),
        ("figures/loss.png?raw=true", "reports/figures/loss.png"),
        ("figures/loss.png#section", "reports/figures/loss.png"),
        ("figures/W&B_runs.png", "reports/figures/W&B_runs.png"),
        (r"figures/W&B\_runs.png", "reports/figures/W&B_runs.png"),
        ("figures/100%.png", "reports/figures/100%.png"),
        ("figures/100%25.png", "reports/figures/100%.png"),
        ("figures/sweeps/run%201.jpeg", "reports/figures/sweeps/run 1.jpeg"),
        ("our_figures/arch.svg", "reports/our_figures/arch.svg"),
        ("../docs/source/figures/architecture.png", "docs/source/figures/architecture.png"),
        ("figures/../figures/loss.png", "reports/figures/loss.png"),
    ],
)
def test_resolved_forms(ref, path, tree):
    assert status(ref, tree) == ("resolved", path)


def test_unicode_normalisation_differences(tree):
    nfd_ref = unicodedata.normalize("NFD", "figures/Mødeplan-Página.png")
    nfc_ref = unicodedata.normalize("NFC", "figures/Señal.png")
    assert nfd_ref != NFC_NAME.removeprefix("reports/")
    assert status(nfd_ref, tree) == ("resolved", NFC_NAME)
    assert status(nfc_ref, tree) == ("resolved", NFD_NAME)
    assert status("figures/M%C3%B8deplan-P%C3%A1gina.png", tree) == ("resolved", NFC_NAME)


def test_case_mismatch_is_resolved_but_flagged(tree):
    assert status("figures/camelcase.PNG", tree) == ("case-mismatch", "reports/figures/CamelCase.png")
    assert status("Figures/Loss%20curve.png", tree) == ("case-mismatch", "reports/figures/Loss Curve.png")


def test_ambiguous_case_match_is_missing():
    t = DictTree({"reports/figures/a.png": b"", "reports/figures/A.png": b""})
    assert status("figures/a.PNG", t) == ("missing", None)


def test_repo_root_relative_without_slash_falls_back_and_is_noted(tree):
    assert status("reports/figures/loss.png", tree) == ("resolved", "reports/figures/loss.png")
    loc = locate("reports/figures/loss.png", TreeIndex(tree))
    assert loc.note == ROOT_FALLBACK_NOTE
    assert locate("figures/loss.png", TreeIndex(tree)).note is None


@pytest.mark.parametrize(
    "ref", ["figures/nope.png", "figures/loss.jpegjpeg", "", "figures", "#anchor", "figures/<Owl>.<png>"]
)
def test_missing(ref, tree):
    assert status(ref, tree) == ("missing", None)


@pytest.mark.parametrize(
    "ref",
    [
        "../../../../etc/passwd",
        "../../x.png",
        "/../etc/passwd",
        "figures/../../../etc/passwd",
        "%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "..%2F..%2F..%2Fetc%2Fpasswd",
        "figures/passwd.png",  # a symlinked file
        "shots/figures/loss.png",  # through a symlinked folder
        "shots",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "data:image/png;base64,iVBORw0KGgo=",
        "C:/Users/owl/loss.png",
        "figures/loss\x00.png",
    ],
)
def test_unsafe(ref, tree):
    assert status(ref, tree) == ("unsafe", None)


def test_symlinked_parent_detected_even_when_listed():
    # a tree that (wrongly) lists files below a symlinked folder must still refuse them
    t = NoReadTree({"reports/figs/x.png": b""}, {"reports/figs": "/tmp"})
    assert status("figs/x.png", t) == ("unsafe", None)


@pytest.mark.parametrize(
    "ref",
    [
        "https://github.com/user-attachments/assets/5a1f0c3e-0000-4000-8000-000000000000",
        "https://i.imgur.com/abcd.png",
        "http://example.org/plot.png",
        "//cdn.example.org/plot.png",
        "https://github.com/someone-else/owl-detector/blob/main/reports/figures/loss.png",
        "https://raw.githubusercontent.com/someone-else/Owl-Detector/main/reports/figures/loss.png",
        "https://github.com/Example-Org/Owl-Detector/assets/12/abc.png",
        "https://github.com/Example-Org/Owl-Detector/issues/3",
    ],
)
def test_external(ref, tree):
    assert status(ref, tree, repo_url=REPO_URL) == ("external", None)


@pytest.mark.parametrize(
    "ref",
    [
        "https://github.com/Example-Org/Owl-Detector/blob/main/reports/figures/loss.png",
        "https://github.com/example-org/owl-detector/blob/main/reports/figures/loss.png",
        "https://www.github.com/Example-Org/Owl-Detector/blob/main/reports/figures/loss.png?raw=true",
        "https://github.com/Example-Org/Owl-Detector/raw/main/reports/figures/loss.png",
        "http://github.com/Example-Org/Owl-Detector/blob/master/reports/figures/loss.png",
        "https://raw.githubusercontent.com/Example-Org/Owl-Detector/main/reports/figures/loss.png",
        "https://raw.githubusercontent.com/Example-Org/Owl-Detector/refs/heads/main/reports/figures/loss.png",
        f"https://github.com/Example-Org/Owl-Detector/blob/{COMMIT}/reports/figures/loss.png",
        "https://github.com/Example-Org/Owl-Detector/blob/feature/new-plots/reports/figures/loss.png",
        "https://github.com/Example-Org/Owl-Detector/blob/a/b/c/reports/figures/loss.png",
    ],
)
def test_same_repo_github_urls_map_back_to_the_file(ref, tree):
    assert status(ref, tree, repo_url=REPO_URL) == ("resolved", "reports/figures/loss.png")


def test_same_repo_url_special_paths(tree):
    enc = "https://github.com/Example-Org/Owl-Detector/blob/main/reports/figures/Loss%20Curve.png"
    assert status(enc, tree, repo_url=REPO_URL) == ("resolved", "reports/figures/Loss Curve.png")
    other = "https://github.com/Example-Org/Owl-Detector/blob/main/docs/source/figures/architecture.png"
    assert status(other, tree, repo_url=REPO_URL + ".git") == (
        "resolved",
        "docs/source/figures/architecture.png",
    )
    case = "https://github.com/Example-Org/Owl-Detector/blob/main/reports/figures/camelcase.png"
    assert status(case, tree, repo_url=REPO_URL) == ("case-mismatch", "reports/figures/CamelCase.png")


def test_same_repo_url_to_an_uncommitted_file_is_missing(tree):
    ref = "https://github.com/Example-Org/Owl-Detector/blob/main/reports/figures/never-committed.png"
    assert status(ref, tree, repo_url=REPO_URL) == ("missing", None)


def test_github_urls_are_external_without_a_repo_url(tree):
    ref = "https://github.com/Example-Org/Owl-Detector/blob/main/reports/figures/loss.png"
    assert status(ref, tree, repo_url=None) == ("external", None)


def test_same_repo_url_through_symlink_is_unsafe(tree):
    ref = "https://github.com/Example-Org/Owl-Detector/blob/main/reports/figures/passwd.png"
    assert status(ref, tree, repo_url=REPO_URL) == ("unsafe", None)


def test_other_report_path(tree):
    assert status("reports/figures/loss.png", tree, report_path="README.md") == (
        "resolved",
        "reports/figures/loss.png",
    )
    assert status("../figures/loss.png", tree, report_path="reports/sub/README.md") == (
        "resolved",
        "reports/figures/loss.png",
    )


@pytest.mark.parametrize(
    "url, owner_name",
    [
        ("https://github.com/Example-Org/Owl-Detector", ("Example-Org", "Owl-Detector")),
        ("https://github.com/Example-Org/Owl-Detector.git", ("Example-Org", "Owl-Detector")),
        ("https://github.com/Example-Org/Owl-Detector/", ("Example-Org", "Owl-Detector")),
        ("git@github.com:Example-Org/Owl-Detector.git", ("Example-Org", "Owl-Detector")),
        ("https://gitlab.com/Example-Org/Owl-Detector", None),
        (None, None),
    ],
)
def test_parse_repo_url(url, owner_name):
    repo = parse_repo_url(url)
    assert (None if repo is None else (repo.owner, repo.name)) == owner_name


# --- rewriting -------------------------------------------------------------------------------------


def test_resolved_image_points_at_the_site_copy(tree):
    report = run('Loss: ![loss](figures/loss.png "Loss")', tree)
    assert report.answers[0].markdown == f'Loss: ![loss]({BASE}/figures-loss.png "Loss")'
    (fig,) = report.figures
    assert (fig.ref, fig.status, fig.path, fig.site_name, fig.question) == (
        "figures/loss.png",
        "resolved",
        "reports/figures/loss.png",
        "figures-loss.png",
        14,
    )
    assert report.problems == []
    assert figure_files(report) == {"figures-loss.png": "reports/figures/loss.png"}


def test_angle_and_html_forms_are_rewritten_in_place(tree):
    md = '![c](<figures/Loss Curve.png>)\n<img src="figures/loss.png" width="300" alt="l">'
    out = run(md, tree).answers[0].markdown
    assert out == (
        f'![c](<{BASE}/figures-loss-curve.png>)\n<img src="{BASE}/figures-loss.png" width="300" alt="l">'
    )


def test_missing_image_becomes_a_visible_marker(tree):
    report = run("Before ![x](figures/no_such*file.png) after", tree)
    out = report.answers[0].markdown
    assert out.startswith('Before <span class="ca-missing-figure">missing figure: ')
    assert "figures/no&#95;such&#42;file.png</span> after" in out
    assert [(p.where, p.severity, p.group) for p in report.problems] == [("Q14", "warning", "2031-june/7")]
    assert "figures/no_such*file.png" in report.problems[0].message
    assert report.figures[0].status == "missing"
    assert figure_files(report) == {}


def test_marker_escapes_html(tree):
    out = run('<img src="figures/<script>alert(1)</script>.png">', tree).answers[0].markdown
    assert "<script>" not in out
    assert "&#60;script&#62;" in out


def test_unsafe_image_is_replaced_and_never_read(tree):
    report = run("![p](../../../../etc/passwd) ![s](figures/passwd.png) ![d](shots/figures/loss.png)", tree)
    out = report.answers[0].markdown
    assert out.count("ca-unsafe-figure") == 3
    assert "../../../../etc/passwd" in out
    assert [f.status for f in report.figures] == ["unsafe"] * 3
    assert all(p.severity == "warning" for p in report.problems)
    assert figure_files(report) == {}


def test_external_image_is_left_alone_and_noted(tree):
    md = "![shot](https://github.com/user-attachments/assets/5a1f0c3e-0000-4000-8000-000000000000)"
    report = run(md, tree)
    assert report.answers[0].markdown == md
    assert report.figures[0].status == "external"
    assert [p.severity for p in report.problems] == ["info"]


def test_case_mismatch_is_rewritten_and_reported(tree):
    report = run("![c](figures/camelcase.png)", tree)
    assert report.answers[0].markdown == f"![c]({BASE}/figures-camelcase.png)"
    assert report.figures[0].status == "case-mismatch"
    (problem,) = report.problems
    assert problem.severity == "warning" and "ignoring case" in problem.message


def test_root_relative_without_slash_is_rewritten_and_reported(tree):
    report = run("![r](reports/figures/loss.png)", tree)
    assert report.answers[0].markdown == f"![r]({BASE}/figures-loss.png)"
    assert report.figures[0].status == "resolved"
    (problem,) = report.problems
    assert "repository root" in problem.message


def test_same_repo_blob_url_is_rewritten_to_the_copy(tree):
    md = "![b](https://github.com/Example-Org/Owl-Detector/blob/main/reports/figures/loss.png)"
    assert run(md, tree).answers[0].markdown == f"![b]({BASE}/figures-loss.png)"


def test_plain_link_to_image_stays_a_link_to_the_copy(tree):
    report = run("See [Image](figures/loss.png) and [gone](figures/gone.png).", tree)
    out = report.answers[0].markdown
    assert out.startswith(f'See [Image]({BASE}/figures-loss.png) and gone <span class="ca-missing-figure">')
    assert [f.status for f in report.figures] == ["resolved", "missing"]


def test_reference_style_becomes_inline_even_across_answers(tree):
    report = Report(
        template="t",
        answers=[
            answer(14, "![Loss][loss] and [the code][app]"),
            answer(15, "[loss]: figures/loss.png\n[app]: ../src/owl/app.py\n"),
        ],
    )
    apply_figures(report, tree, repo_url=REPO_URL, commit=COMMIT, figure_base=BASE)
    assert report.answers[0].markdown == (
        f"![Loss]({BASE}/figures-loss.png) and "
        f"[the code](https://github.com/Example-Org/Owl-Detector/blob/{COMMIT}/src/owl/app.py)"
    )
    assert report.answers[1].markdown == "[loss]: figures/loss.png\n[app]: ../src/owl/app.py\n"


def test_relative_links_go_to_github(tree):
    gh = "https://github.com/Example-Org/Owl-Detector"
    md = (
        "[df](../dockerfiles/train.dockerfile) [app](/src/owl/app.py#L3) [pkg](../src/owl) "
        '[src](../src/) [gone](../configs/none.yaml) <a href="../src/owl/app.py">a</a>'
    )
    report = run(md, tree)
    assert report.answers[0].markdown == (
        f"[df]({gh}/blob/{COMMIT}/dockerfiles/train.dockerfile) [app]({gh}/blob/{COMMIT}/src/owl/app.py#L3) "
        f"[pkg]({gh}/tree/{COMMIT}/src/owl) [src]({gh}/tree/{COMMIT}/src) "
        f'[gone]({gh}/blob/{COMMIT}/configs/none.yaml) <a href="{gh}/blob/{COMMIT}/src/owl/app.py">a</a>'
    )
    assert [(p.severity, "configs/none.yaml" in p.message) for p in report.problems] == [("info", True)]
    assert report.figures == []


def test_link_paths_with_spaces_are_percent_encoded(tree):
    out = run("[s](<figures/sweeps/run 1.jpeg>) [t](../docs/source/)", tree).answers[0].markdown
    assert out == (
        f"[s](<{BASE}/figures-sweeps-run-1.jpeg>) "
        f"[t](https://github.com/Example-Org/Owl-Detector/tree/{COMMIT}/docs/source)"
    )


def test_anchors_and_absolute_urls_are_kept(tree):
    md = "[top](#question-14) [site](https://example.org/a) [mail](mailto:owl@example.org) <https://x.org/>"
    report = run(md, tree)
    assert report.answers[0].markdown == md
    assert report.problems == []


def test_escaping_link_is_unlinked(tree):
    report = run("[up](../../../elsewhere.md) stays", tree)
    assert report.answers[0].markdown == "up stays"
    assert len(report.problems) == 1


def test_without_github_repo_relative_links_are_unlinked(tree):
    report = run("[app](../src/owl/app.py) ![l](figures/loss.png)", tree, repo_url=None)
    assert report.answers[0].markdown == f"app ![l]({BASE}/figures-loss.png)"


def test_no_relative_link_survives(tree):
    md = (
        "[a](../src/owl/app.py) [b](figures/loss.png) ![c](figures/none.png) [d](../../../x) "
        "[e](./) <a href='../dockerfiles/train.dockerfile'>f</a> [g][h]\n\n[h]: ../README.md\n"
        "![i](figures/passwd.png) [j](figures/gone.png)"
    )
    out = run(md, tree).answers[0].markdown
    for link in find_links(out):
        dest = link.dest
        assert dest.startswith(("https://", "#", BASE)) or link.syntax == "reference", dest
    assert "](../" not in out and "href='../" not in out


def test_image_alone_in_inline_code_is_shown_and_fenced_code_stays_code(tree):
    # groups copy the template's `![my_image](figures/<image>.<extension>)` instruction literally;
    # report.py counts such images, so the archive shows them (with a warning); fenced code stays code
    md = "`![mine](figures/loss.png)`\n\n```\n![x](figures/loss.png)\n```\n"
    report = run(md, tree)
    out = report.answers[0].markdown
    assert out.startswith(f"![mine]({BASE}/figures-loss.png)\n")
    assert out.endswith("```\n![x](figures/loss.png)\n```\n")
    assert [f.status for f in report.figures] == ["resolved"]
    assert [p.severity for p in report.problems] == ["warning", "warning"]
    assert "inline code, shown as an image" in report.problems[0].message
    assert "inside code" in report.problems[1].message


def test_inline_code_with_more_than_an_image_stays_code(tree):
    md = "Write `x = ![a](figures/loss.png)` in code.\n"
    report = run(md, tree)
    assert report.answers[0].markdown == md
    assert report.figures == []


def test_free_form_markdown_is_rewritten(tree):
    report = Report(template=None, free_form_markdown="![l](figures/loss.png) ![m](figures/none.png)")
    apply_figures(report, tree, repo_url=REPO_URL, commit=None, figure_base=BASE)
    assert report.free_form_markdown.startswith(f"![l]({BASE}/figures-loss.png) <span")
    assert report.figures[0].question is None
    assert report.problems[0].where == "reports/README.md"


def test_figures_record_every_reference_and_copies_are_deduplicated(tree):
    report = Report(
        template="t",
        answers=[
            answer(14, "![a](figures/loss.png) ![b](./figures/loss.png)"),
            answer(15, "[c](/reports/figures/loss.png) ![d](figures/CamelCase.png)"),
        ],
    )
    apply_figures(report, tree, repo_url=REPO_URL, commit=COMMIT, figure_base=BASE + "/")
    assert [(f.question, f.site_name) for f in report.figures] == [
        (14, "figures-loss.png"),
        (14, "figures-loss.png"),
        (15, "figures-loss.png"),
        (15, "figures-camelcase.png"),
    ]
    assert figure_files(report) == {
        "figures-loss.png": "reports/figures/loss.png",
        "figures-camelcase.png": "reports/figures/CamelCase.png",
    }


def test_summarize_counts(tree):
    md = (
        "![a](figures/loss.png) ![b](figures/camelcase.png) ![c](figures/none.png) "
        "![d](https://i.imgur.com/x.png) ![e](../../../etc/passwd) [f](figures/loss.png)"
    )
    assert summarize(run(md, tree).figures) == {
        "referenced": 6,
        "resolved": 3,
        "external": 1,
        "missing": ["figures/none.png", "../../../etc/passwd"],
        "case_mismatch": 1,
        "unsafe": 1,
        "lfs": 0,
    }


# --- site names ------------------------------------------------------------------------------------


def test_site_names_are_url_safe_lowercase_and_keep_the_extension():
    names = site_names(
        [
            "reports/figures/wandb_loss.png",
            "reports/figures/W&B Runs (final).JPG",
            NFC_NAME,
            "reports/our_figures/arch.svg",
            "docs/source/figures/architecture.png",
            "reports/figures/图.png",
        ]
    )
    assert names["reports/figures/wandb_loss.png"] == "figures-wandb-loss.png"
    assert names["reports/figures/W&B Runs (final).JPG"] == "figures-w-b-runs-final.jpg"
    assert names[NFC_NAME] == "figures-mdeplan-pagina.png"
    assert names["reports/our_figures/arch.svg"] == "our-figures-arch.svg"
    assert names["docs/source/figures/architecture.png"] == "docs-source-figures-architecture.png"
    assert names["reports/figures/图.png"].startswith("figures-")  # no ASCII left of the name itself
    for name in names.values():
        assert name == name.lower()
        assert all(c.isascii() and (c.isalnum() or c in "-.") for c in name)


def test_site_names_unique_and_independent_of_order():
    paths = ["reports/figures/a b.png", "reports/figures/a_b.png", "reports/figures/A-B.png", "reports/x.png"]
    one = site_names(paths)
    two = site_names(list(reversed(paths)) + paths)
    assert one == two
    assert len(set(one.values())) == len(paths)
    assert one["reports/figures/A-B.png"] == "figures-a-b.png"  # first in sorted order keeps the plain name
    assert one["reports/figures/a b.png"].startswith("figures-a-b-")


def test_site_names_of_long_and_nameless_files():
    long = "reports/figures/" + "very long name " * 20 + ".png"
    name = site_names([long])[long]
    assert len(name) <= 95 and name.endswith(".png")
    assert site_names(["reports/figures/.png"])["reports/figures/.png"].startswith("figure")


def test_site_names_are_stable_across_runs(tree):
    md = "![a](figures/loss.png) ![b](<figures/Loss Curve.png>) ![c](figures/W&B_runs.png)"
    first = [f.site_name for f in run(md, tree).figures]
    second = [f.site_name for f in run(md, tree).figures]
    assert first == second == ["figures-loss.png", "figures-loss-curve.png", "figures-w-b-runs.png"]
