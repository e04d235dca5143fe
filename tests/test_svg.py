"""SVG figures are served without scripts: cleaned on copy, still drawn by a real browser."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from cohort_archive.fetch.copy import copy_files
from cohort_archive.figures.svg import UnsafeSvg, clean_svg
from cohort_archive.model import ListingTree
from conftest import serve_site

# an invented figure with every kind of active content a student's SVG editor (or a prank) could put in
HOSTILE = b"""<?xml version="1.0" encoding="UTF-8"?>
<?xml-stylesheet type="text/xsl" href="evil.xsl"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     width="120" height="60" viewBox="0 0 120 60" onload="alert('load')">
  <!-- made by hand -->
  <style>rect { stroke: black; }</style>
  <script type="text/javascript">alert('script')</script>
  <rect id="box" width="100" height="40" fill="#3b7" onclick="alert('click')"/>
  <a xlink:href="javascript:alert('link')"><text x="5" y="55">pipeline</text></a>
  <a href="https://example.org/docs"><text x="60" y="55">docs</text></a>
  <foreignObject width="60" height="20"><div xmlns="http://www.w3.org/1999/xhtml"><span>train step</span>
    <img src="x" onerror="alert('html')"/><iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"/></div></foreignObject>
  <set attributeName="xlink:href" to="javascript:alert('smil')"/>
  <use href="#box" x="2"/>
  <image width="4" height="4" href="data:image/png;base64,iVBORw0KGgo="/>
  <image width="4" height="4" href="https://tracker.example/pixel.png"/>
</svg>
"""


def test_clean_svg_keeps_the_drawing_and_drops_what_can_act() -> None:
    out, removed = clean_svg(HOSTILE)
    text = out.decode()
    for gone in (
        "alert(",
        "onload",
        "onclick",
        "onerror",
        "<script",
        "iframe",
        "javascript:",
        "evil.xsl",
    ):
        assert gone not in text, gone
    assert "tracker.example" not in text and "DOCTYPE" not in text and "made by hand" not in text
    for kept in (
        'width="100"',
        "#3b7",
        "pipeline",
        "https://example.org/docs",
        'href="#box"',
        "stroke: black",
        "foreignObject",  # diagram labels (Mermaid, draw.io) are HTML in there
        "train step",
    ):
        assert kept in text, kept
    assert "data:image/png" in text
    # onload, script, onclick, javascript: link, img src and onerror, iframe, set, tracker image href
    assert removed == 9


@pytest.mark.parametrize(
    "data",
    [
        b'<!DOCTYPE svg [<!ENTITY lol "lol">]><svg xmlns="http://www.w3.org/2000/svg">&lol;</svg>',
        b"<svg>no namespace: browsers draw nothing</svg>",
        b"<html><body>not an svg</body></html>",
        b"\x89PNG\r\n\x1a\n",
        b"<svg xmlns='http://www.w3.org/2000/svg'><unclosed></svg>",
    ],
)
def test_clean_svg_refuses_what_it_cannot_clean(data: bytes) -> None:
    with pytest.raises(UnsafeSvg):
        clean_svg(data)


def test_copied_svg_figures_are_cleaned_and_a_broken_one_is_not_written(tmp_path: Path) -> None:
    tree = ListingTree(
        ["reports/figures/a.svg", "reports/figures/b.SVG"],
        contents={"reports/figures/a.svg": HOSTILE, "reports/figures/b.SVG": b"<svg"},
    )
    a, b = tmp_path / "a.svg", tmp_path / "b.SVG"
    warnings = [
        str(n)
        for n in copy_files("2025-january/7", tree, {a: "reports/figures/a.svg", b: "reports/figures/b.SVG"})
    ]
    assert "alert(" not in a.read_text() and "<svg:rect" in a.read_text()
    assert not b.exists()
    assert warnings[0] == "2025-january/7: reports/figures/a.svg: 9 scripts, event handlers or links removed"
    assert warnings[1].startswith("2025-january/7: reports/figures/b.SVG: not a well-formed SVG")
    assert warnings[1].endswith("; not shown")


@pytest.mark.browser
def test_a_cleaned_svg_still_draws_in_chromium_and_runs_nothing(tmp_path: Path, chromium) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "fig.svg").write_bytes(clean_svg(HOSTILE)[0])
    png = base64.b64encode((site / "fig.svg").read_bytes()).decode()
    (site / "index.html").write_text(
        f'<img id="a" src="fig.svg"><img id="b" src="data:image/svg+xml;base64,{png}">'
    )
    with serve_site(site) as base:
        page = chromium.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(base + "index.html")
        page.wait_for_function("() => [...document.images].every(i => i.complete && i.naturalWidth === 120)")
        page.goto(base + "fig.svg")  # opened on its own, as the lightbox's link does
        page.wait_for_timeout(300)
        page.mouse.click(30, 20)
        assert page.locator("text=pipeline").count() == 1
        assert dialogs == []


def test_a_diagram_with_html_labels_loses_nothing() -> None:
    # how Mermaid and draw.io export a flowchart: labels are HTML inside <foreignObject>
    diagram = b"""<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 50" role="graphics-document">
      <style>.node rect { fill: #eee; }</style>
      <g class="node"><rect width="90" height="30"/><foreignObject width="90" height="30">
        <div xmlns="http://www.w3.org/1999/xhtml" style="display: table-cell;"><span class="nodeLabel">
        <p>Cloud <b>Build</b></p></span></div></foreignObject></g>
      <a href="https://example.org/run"><text x="100" y="20">Cloud Run</text></a>
      <marker id="arrow"><path d="M0,0 L10,5 L0,10 z"/></marker><path d="M90,15 L100,15" marker-end="url(#arrow)"/>
    </svg>"""
    out, removed = clean_svg(diagram)
    assert removed == 0
    for kept in ("foreignObject", "nodeLabel", "Cloud ", "Build", "https://example.org/run", "url(#arrow)"):
        assert kept in out.decode(), kept
