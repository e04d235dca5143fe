"""Generated pages are made as HTML: headings, anchors and the TOC as the `toc` extension makes them."""

from __future__ import annotations

import markdown

from cohort_archive.pages.common import PageWriter
from cohort_archive.pages.headings import Permalinks, anchor_ids, render_headings


def _page():
    page = PageWriter("c/groups/1.md")
    page.heading(1, "Group 1 · January 2026")
    page.heading(2, "Overall project")
    page.heading(3, "Q3 · Docker & <friends>", "q3")
    page.html('<a id="docker"></a><p>meta</p>')
    page.answer("c/1", 3)
    page.heading(2, "Overall project")  # same text: a unique slug, as toc does it
    return page.page("Group 1")


def test_headings_match_what_the_toc_extension_renders() -> None:
    spec = _page()
    config = {"permalink": True}
    out, tokens = render_headings(spec.html or "", spec.headings, Permalinks.from_toc_config(config))
    md = markdown.Markdown(extensions=["toc", "attr_list"], extension_configs={"toc": config})
    expected = md.convert(
        "# Group 1 · January 2026\n\n## Overall project\n\n### Q3 · Docker &amp; &lt;friends&gt; {#q3}\n\n"
        "## Overall project\n"
    )
    ours = [line for line in out.splitlines() if line.startswith("<h")]
    assert ours == [line for line in expected.splitlines() if line.startswith("<h")]
    assert [t["id"] for t in tokens] == ["group-1-january-2026"]
    assert [t["id"] for t in tokens[0]["children"]] == ["overall-project", "overall-project_1"]
    assert [t["id"] for t in tokens[0]["children"][0]["children"]] == ["q3"]
    assert tokens[0]["children"][0]["children"][0]["name"] == "Q3 · Docker &amp; &lt;friends&gt;"
    assert "<!--ca-answer:c/1:3-->" in out and "<!--ca-h:" not in out


def test_permalink_options_and_no_toc() -> None:
    spec = _page()
    links = Permalinks.from_toc_config(
        {"permalink": "#", "permalink_class": "pl", "permalink_title": "", "permalink_leading": True}
    )
    out, _ = render_headings(spec.html or "", spec.headings, links)
    assert '<h3 id="q3"><a class="pl" href="#q3">#</a>Q3 · Docker &amp; &lt;friends&gt;</h3>' in out
    out, _ = render_headings(spec.html or "", spec.headings, Permalinks.from_toc_config(None))
    assert '<h3 id="q3">Q3 · Docker &amp; &lt;friends&gt;</h3>' in out


def test_anchor_ids_include_ids_written_in_blocks() -> None:
    spec = _page()
    assert anchor_ids(spec.headings, spec.blocks) == {
        "group-1-january-2026",
        "overall-project",
        "overall-project_1",
        "q3",
        "docker",
    }


def test_markdown_twin_keeps_headings_and_placeholders() -> None:
    spec = _page()
    assert "### Q3 · Docker & <friends> {#q3}" not in spec.markdown  # escaped for Markdown
    assert "{#q3}" in spec.markdown and "<!--ca-answer:c/1:3-->" in spec.markdown
    assert "<!--ca-block:c/groups/1.md:0-->" in spec.markdown
