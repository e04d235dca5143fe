"""Answers render as GitHub shows them where Python-Markdown's rules differ (cohort_archive.gfm).

Every case is a construct real reports use; the text is invented.
"""

from __future__ import annotations

import re

import pytest

from cohort_archive.gfm import as_github
from cohort_archive.render import MarkdownRenderer


@pytest.fixture(scope="module")
def render():
    return MarkdownRenderer().render


def tags(html: str) -> list[str]:
    """The block tags of the HTML, in order (what the structure is, not its text)."""
    return re.findall(r"<(ul|ol|li|table|tr|pre|h\d|p|blockquote)\b", html)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We used:\n- alpha\n- beta", ["p", "ul", "li", "li"]),
        ("We used:\n*\talpha\n*\tbeta", ["p", "ul", "li", "li"]),
        ("**Tools**\n- alpha\n- beta", ["p", "ul", "li", "li"]),
        ("Steps:\n1. one\n2. two", ["p", "ol", "li", "li"]),
        ("Both:\n\n1) first\n2) second", ["p", "ol", "li", "li"]),
        ("Both:\n1) first\n2) second", ["p", "ol", "li", "li"]),
        ("> Quoted:\n> - alpha\n> - beta", ["blockquote", "p", "ul", "li", "li"]),
    ],
    ids=["bullets", "tab-after-marker", "after-bold", "numbers", "paren", "paren-below-text", "quoted"],
)
def test_a_list_right_below_text_is_a_list(render, text: str, expected: list[str]) -> None:
    assert tags(render(text)) == expected


def test_what_cannot_start_a_list_below_text_stays_text(render) -> None:
    assert tags(render("We had\n2. reasons")) == ["p"]  # a number other than 1 cannot
    assert tags(render("We had\n2) reasons")) == ["p"]
    assert "2) reasons" in render("We had\n2) reasons")  # written as it was
    assert tags(render("Text\n    - four spaces in")) == ["p"]  # a lazy continuation, not code


@pytest.mark.parametrize("indent", [2, 3, 4])
def test_sub_lists_nest_at_the_parents_text(render, indent: int) -> None:
    pad = " " * indent
    marker = "1." if indent == 3 else "-"
    text = f"{marker} Install:\n{pad}* On Windows: a\n{pad}* On macOS: b\n{'2.' if indent == 3 else '-'} Run"
    outer = "ol" if indent == 3 else "ul"
    assert tags(render(text)) == [outer, "li", "ul", "li", "li", "li"]


def test_three_levels_with_two_spaces(render) -> None:
    text = "- a\n  - b\n    - c\n  - d\n- e"
    assert tags(render(text)) == ["ul", "li", "ul", "li", "ul", "li", "li", "li"]


def test_a_table_right_below_text_is_a_table(render) -> None:
    html = render("Results:\n| model | accuracy |\n|---|---|\n| cnn | 0.9 |")
    assert tags(html) == ["p", "table", "tr", "tr"]


@pytest.mark.parametrize(
    "text",
    [
        "Run:\n\n  ```bash\n  make train\n  ```\n\nThen we deployed it.",
        "Run:\n  ```bash\n  make train\n  ```\nThen we deployed it.",
        "Run:\n\n```bash\nmake train\n ```\n\nThen we deployed it.",
    ],
    ids=["indented", "indented-no-blank-lines", "closing-fence-indented"],
)
def test_indented_code_fences_are_code(render, text: str) -> None:
    html = render(text)
    assert tags(html) == ["p", "pre", "p"]
    assert "Then we deployed it." not in html.split("</pre>")[0]  # nothing after it swallowed
    assert "```" not in html


def test_fence_content_is_left_alone(render) -> None:
    text = "```bash\n#comment\ngit clone <repo_url>\n- not a list\n```"
    assert as_github(text) == text
    html = render(text)
    assert "#comment" in html and "&lt;repo_url&gt;" in html and "<ul" not in html


def test_hash_without_space_is_text(render) -> None:
    html = render("#create conda env\nconda create -n mlops")
    assert not re.search(r"<h\d", html) and "#create conda env" in html


def test_angle_brackets_around_what_is_no_tag_are_text(render) -> None:
    html = render("Files in <dockerfiles/api.dockerfile> and <gcr.io/proj/api:1>; a < b > c.")
    assert "&lt;dockerfiles/api.dockerfile&gt;" in html and "&lt;gcr.io/proj/api:1&gt;" in html
    assert "a &lt; b &gt; c" in html
    html = render("<https://example.com> <s123456@student.dtu.dk> <b>bold</b> <br/> <weblink>")
    assert 'href="https://example.com"' in html and "mailto:s123456@student.dtu.dk" in html
    assert "<b>bold</b>" in html and "weblink" not in html  # a tag, hidden as GitHub hides it


def test_a_numbered_list_below_an_items_text_starts_a_new_list(render) -> None:
    html = render("- Deployment:\nWe run three services:\n1. Training\n2. API\n\n- Monitoring")
    assert tags(html) == ["ul", "li", "ol", "li", "li", "ul", "li"]


def test_angle_placeholders_with_underscores_are_text(render) -> None:
    html = render("Run `make run exp=<exp_name>` or `git clone` <repo_url> then <my_new_exp>.")
    assert "&lt;repo_url&gt;" in html and "&lt;my_new_exp&gt;" in html
    assert "<code>make run exp=&lt;exp_name&gt;</code>" in html  # code shown once, not escaped twice
    assert "<b>bold</b>" in render("<b>bold</b> stays HTML")


@pytest.mark.parametrize(
    "text",
    [
        "Plain paragraph.\n\n- a\n- b\n\n1. one\n2. two\n\n```python\nprint(1)\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |",
        "- a\n    - b\n        - c",
        "1. step\n\n    ```bash\n    make\n    ```\n\n2. next",
        "# Heading\n\nText with <b>tag</b> and `<code_x>`.",
        "> quoted\n>\n> - a\n> - b",
    ],
    ids=["blocks-with-blank-lines", "four-space-nesting", "fence-in-list", "heading-and-code", "quote"],
)
def test_markdown_python_markdown_already_reads_right_is_unchanged(text: str) -> None:
    assert as_github(text) == text


def test_emoji_shortcodes_are_the_emoji(render) -> None:
    html = render("We grew :mushroom: fast :+1: at 10:30:45, not :no_such_code:.")
    assert "🍄" in html and "👍" in html and "10:30:45" in html and ":no_such_code:" in html
    assert "<img" not in html and "<svg" not in html  # the character itself


def test_backslash_escapes_any_punctuation_as_on_github(render) -> None:
    html = render(r"Coverage 85\% for \$5 at \<learn.inside.dtu.dk\>, \_kept\_ and `a\%b`")
    assert "85% for $5 at &lt;learn.inside.dtu.dk&gt;, _kept_ and <code>a\\%b</code>" in html


def test_backslash_at_a_lines_end_breaks_it(render) -> None:
    assert render("Alice\\\nBob\\\nCarol") == "<p>Alice<br>\nBob<br>\nCarol</p>"
    assert "Done\\" in render("Done\\")  # nothing below it: kept


def test_a_backslash_alone_on_its_line_breaks_it_inside_the_paragraph(render) -> None:
    """`text\\` / `\\` / `more`: one paragraph with two line breaks, as on GitHub (not two paragraphs)."""
    assert (
        render("Alice did A.\\\n\\\nBob did B.\\\n\\") == "<p>Alice did A.<br>\n<br>\nBob did B.<br>\n\\</p>"
    )


def test_an_unclosed_fence_runs_to_the_end(render) -> None:
    html = render("Tree:\n\n```\n/project\n## not a heading")
    assert tags(html) == ["p", "pre"] and "## not a heading" in html and "```" not in html


def test_hash_at_an_items_start_is_text(render) -> None:
    assert tags(render("- #1 item\n- #tag")) == ["ul", "li", "li"]


def test_a_link_with_a_space_in_its_destination_is_text(render) -> None:
    html = render('See [here](insert link), [docs](https://example.com "The docs") and [file](a.md).')
    assert "[here](insert link)" in html and 'href="insert link"' not in html
    assert 'href="https://example.com"' in html and 'href="a.md"' in html


@pytest.mark.parametrize("tag", ["title", "textarea", "style", "script", "TEXTAREA"])
def test_tags_githubs_tag_filter_names_are_text(render, tag: str) -> None:
    html = render(f"Runs are named <{tag} of run> in the dashboard, which keeps them apart.")
    assert f"&lt;{tag} of run&gt; in the dashboard, which keeps them apart." in html


@pytest.mark.parametrize("tag", ["path", "circle", "text", "line", "use"])
def test_an_unknown_tag_goes_and_the_words_after_it_stay(render, tag: str) -> None:
    """An SVG element's name (`<path to picture>`) outside SVG: the sanitiser would drop what follows."""
    html = render(f'We post it with curl -F "file=@<{tag} to picture>" and read the reply.')
    assert html.replace("<span></span>", "") == '<p>We post it with curl -F "file=@" and read the reply.</p>'


def test_tags_the_site_keeps_stay(render) -> None:
    html = render("A <b>bold</b> word, a <br> break and <sup>1</sup>.")
    assert "<b>bold</b>" in html and "<br>" in html and "<sup>1</sup>" in html


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # (a blank line in an item makes the list loose: each item a paragraph, as cmark-gfm has it)
        ("1. one\n2. two\n3. three\n\n   More about three.", ["ol", "li", "p", "li", "p", "li", "p", "p"]),
        ("- one\n- two\n\n  More about two.\n\nAfter the list.", ["ul", "li", "p", "li", "p", "p", "p"]),
        ("- one\n  - inner\n\n    More about inner.", ["ul", "li", "ul", "li", "p", "p"]),
        ("- one\n\n A paragraph after the list.", ["ul", "li", "p"]),
    ],
    ids=["under-number", "under-bullet", "under-sub-item", "less-than-the-text"],
)
def test_a_paragraph_indented_to_an_items_text_goes_on_in_it(render, text: str, expected: list[str]) -> None:
    assert tags(render(text)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Send this:\n* ```sh\n  fetch --put \\\n  --header x\n  ```", ["p", "ul", "li", "pre"]),
        ("- a\n  - ```py\n    x = 1\n    ```\n- b", ["ul", "li", "ul", "li", "pre", "li"]),
        ("1. ```\n   left open", ["ol", "li", "pre"]),
    ],
    ids=["bullet", "sub-item", "unclosed"],
)
def test_a_fence_opened_on_an_items_line_is_code_in_the_item(render, text: str, expected: list[str]) -> None:
    html = render(text)
    assert tags(html) == expected
    assert "```" not in html and "<br" not in html


def test_a_paragraph_indented_less_than_the_items_text_ends_the_list(render) -> None:
    text = "Now:\n- nothing yet\n\n Then a checker came.\n- it checks:\n    - colour\n    - size"
    assert tags(render(text)) == ["p", "ul", "li", "p", "ul", "li", "ul", "li", "li"]


def test_a_command_typed_on_the_fences_line_is_the_codes_first_line(render) -> None:
    html = render("Call it:\n\n```curl -X 'POST' \\\n  -H 'accept: json'\n```")
    assert tags(html) == ["p", "pre"]
    assert "curl -X &#39;POST&#39; \\\n  -H" in html or "curl -X 'POST' \\\n  -H" in html


def test_a_language_with_words_after_it_is_that_language(render) -> None:
    """As on GitHub: the first word of the info string names the language, the rest is not shown."""
    html = render("```bash run.sh\necho hi\n```")
    assert tags(html) == ["pre"] and "run.sh" not in html and '<span class="nb">echo</span>' in html


def test_superfences_options_still_work(render) -> None:
    html = render('```python title="train.py"\nx = 1\n```')
    assert '<span class="filename">train.py</span>' in html


def test_a_code_span_over_a_line_break_keeps_its_backslashes(render) -> None:
    html = render(
        'Run: `Send-Thing -Target x \\\n  -Data @{ t = "a\\&b"; on = \\$true }` then.\n\nText \\% `c \\% d`.'
    )
    assert '-Target x \\\n  -Data @{ t = "a\\&amp;b"; on = \\$true }</code>' in html
    assert "<br" not in html.split("</code>")[0]  # the backslash ending a line inside code breaks nothing
    assert "<p>Text % <code>c \\% d</code>.</p>" in html


def test_backticks_no_run_closes_are_text(render) -> None:
    html = render("One ` tick \\% here.\n\nNext paragraph `code`.")
    assert html == "<p>One ` tick % here.</p>\n<p>Next paragraph <code>code</code>.</p>"


def test_an_unknown_tag_inside_emphasis_keeps_the_emphasis(render) -> None:
    assert "<strong>uv add <span></span></strong>" in render("Run **uv add <package>** to add one.")


def test_a_longer_run_closes_a_fence(render) -> None:
    html = render("```bash\nuv sync\n````\nThen this text.\n\n```bash\nmore\n```")
    assert tags(html) == ["pre", "p", "pre"] and "<p>Then this text.</p>" in html


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Checks:\n\n- **Style:**\n  Its settings:\n  ```ini\n  [lint]\n  width = 99\n\n- **A** sorts.\n- **B** asks.",
            ["p", "ul", "li", "pre", "li", "li"],
        ),
        ("* ```sh\n  fetch\nback at the margin", ["ul", "li", "pre", "p"]),
    ],
    ids=["below-text", "on-item-line"],
)
def test_a_fence_left_open_in_a_list_item_ends_with_the_item(render, text: str, expected: list[str]) -> None:
    html = render(text)
    assert tags(html) == expected
    assert "```" not in html


def test_text_at_the_margin_after_a_fence_left_open_in_an_item_is_a_paragraph(render) -> None:
    html = render("- first\n\n  ```sh\n  make all\n\nA paragraph after the list.")
    assert "<p>A paragraph after the list.</p>" in html and "<pre" in html and "```" not in html


@pytest.mark.parametrize("tag", ["</table>", "</div>", '<p align="center">'])
def test_spaces_after_an_html_blocks_line_are_no_code_block(render, tag: str) -> None:
    opening = {"</table>": "<table>\n<tr><td>1</td></tr>", "</div>": "<div>\nhi"}.get(tag, "")
    text = (
        f"Results:\n\n{opening}\n{tag}" + " " * 12 + "\n\nThe end."
        if opening
        else f"{tag}" + " " * 8 + "\nhi</p>\n\nThe end."
    )
    html = render(text)
    assert "<pre" not in html and "<p>The end.</p>" in html


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1. one\n2. two:\n* a\n* b\n3. three", ["ol", "li", "li", "ul", "li", "li", "ol", "li"]),
        ("- a\n- b\n3. c", ["ul", "li", "li", "ol", "li"]),
        ("- a\nmore of a\n1. c", ["ul", "li", "ol", "li"]),
    ],
    ids=["bullets-in-numbered", "numbered-from-3", "after-lazy-text"],
)
def test_a_list_of_the_other_kind_right_below_an_item_starts_a_new_list(
    render, text: str, expected: list[str]
) -> None:
    html = render(text)
    assert tags(html) == expected and "* " not in html


def test_a_numbered_line_not_from_1_below_a_paragraph_stays_text(render) -> None:
    assert tags(render("para\n3. x")) == ["p"]


def test_a_star_after_a_space_ending_lines_is_text_and_no_words_go(render) -> None:
    text = "*a **B** c *\n*d e **B** f g *"
    html = render(text)
    assert re.sub(r"<[^>]+>", "", html).split() == ["*a", "B", "c", "*", "*d", "e", "B", "f", "g", "*"]
    assert tags(render("* * *")) == [] and "<hr" in render("* * *")  # a rule stays a rule


def test_a_fence_at_a_numbered_items_text_column_is_code_in_the_item(render) -> None:
    text = "1. Clone it:  \n   ```bash\n   git clone x\n   cd x\n    ```\n2. Make a venv:\n    ```bash\n    python -m venv env\n    ```"
    html = render(text)
    assert tags(html) == ["ol", "li", "pre", "li", "pre"] and "<code>bash" not in html


def test_below_a_fence_after_a_blank_line_in_an_item_the_next_item_and_text_stay_apart(render) -> None:
    text = "4. Install:\n\n    ```bash\n    pip install -r a.txt\n    ```\n5. Dev tools:\n\n    ```bash\n    pip install -r b.txt\n    ```\nAnd that is all."
    html = render(text)
    assert tags(html) == ["ol", "li", "p", "pre", "li", "p", "pre", "p"]
    assert "<p>And that is all.</p>" in html and "5. Dev" not in html


def test_a_tight_item_with_a_fence_stays_tight(render) -> None:
    html = render("- a\n  ```\n  x\n  ```\n- b")
    assert tags(html) == ["ul", "li", "pre", "li"]


def test_a_fence_at_the_margin_right_below_an_item_ends_the_list(render) -> None:
    text = (
        "- Run it:\n```bash\npython train.py\n```\n\n- Or many:\n```bash\npython train.py -m\n```\nMore text."
    )
    html = render(text)
    assert tags(html) == ["ul", "li", "pre", "ul", "li", "pre", "p"]


def test_text_right_below_an_empty_quote_line_is_not_quoted(render) -> None:
    html = render("s111111: data.\n>\ns222222: model.\n>\ns333333: cloud.")
    assert "<p>s222222: model.</p>" in html and "<p>s333333: cloud.</p>" in html
    assert "<blockquote>\n<p>" not in html
    assert tags(render("> quoted\nlazy")) == ["blockquote", "p"]  # a lazy line of a quoted paragraph stays


@pytest.mark.parametrize(
    "text",
    ["- a\n- b\n\n- c\n- d", "- a\n\n  more of a\n- b\n- c", "1. a\n2. b\n3. c\n\n4. d"],
    ids=["blank-between-items", "two-blocks-in-an-item", "numbered"],
)
def test_one_blank_line_makes_every_item_of_the_list_a_paragraph(render, text: str) -> None:
    html = render(text)
    items = re.findall(r"<li>(.*?)</li>", html, re.S)
    assert items and all(i.strip().startswith("<p>") for i in items)


def test_a_tight_list_stays_tight_and_an_item_below_a_loose_sub_list_is_its_own(render) -> None:
    assert "<p>" not in render("- a\n- b\n- c")
    html = render("1. a\n2. b\n    - x\n\n    - y\n3. c")
    assert tags(html) == ["ol", "li", "li", "p", "ul", "li", "p", "li", "p", "li", "p"]
    assert "3. c" not in html


def test_a_code_tag_alone_on_its_line_opens_raw_html_and_no_character_goes(render) -> None:
    html = render("Our numbers:\n\n<code>\nscore = a*b*c\nsee __main__ here\n</code>\n\nThe end.")
    assert "a*b*c" in html and "__main__" in html and "<em>" not in html and "<strong>" not in html
    assert "<p>The end.</p>" in html
    inline = render("Run <code>a*b*c</code> now.")  # in a line of text it is inline code, as before
    assert "<p>Run <code>a" in inline


@pytest.mark.parametrize(
    ("text", "expected", "shown"),
    [
        (
            "* src: of which:\n      * data: raw files\n      * models: nets\n* docs: pages",
            ["ul", "li", "li"],
            "* data",
        ),
        ("1. one\n       1. deep\n2. two", ["ol", "li", "li"], "1. deep"),
        ("- a\n  - b\n        - c under b\n- d", ["ul", "li", "ul", "li", "li"], "- c under"),
    ],
    ids=["bullets", "numbered", "under-a-sub-item"],
)
def test_a_marker_four_spaces_past_an_items_text_below_a_line_of_it_is_text(
    render, text: str, expected: list[str], shown: str
) -> None:
    html = render(text)
    assert tags(html) == expected
    assert shown in " ".join(html.split())  # the marker is shown, as on GitHub
    assert tags(render("* a\n    * b nested\n* c")) == ["ul", "li", "ul", "li", "li"]  # 2-4 past: a sub-list


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- a\n\n      code here\n\n      more code\n- b", ["ul", "li", "p", "pre", "li", "p"]),
        ("- a\n\n      - x\n      - y\nText", ["ul", "li", "p", "pre", "p"]),
        ("1. a\n  \n       code\n2. b", ["ol", "li", "p", "pre", "li", "p"]),
    ],
    ids=["lines", "marker-lines", "numbered"],
)
def test_text_4_spaces_past_an_items_text_after_a_blank_line_is_code_in_the_item(
    render, text: str, expected: list[str]
) -> None:
    html = render(text)
    assert tags(html) == expected
    assert "\n\nmore code" in render("- a\n\n      code here\n\n      more code")  # its blank line stays


def test_a_numbered_paren_item_below_a_lazy_line_of_the_one_above_is_the_next_item(render) -> None:
    html = render("Services:\n1) Storage: our data\nand models.\n2) Registry: images.\n3) Run: the API.")
    assert tags(html) == ["p", "ol", "li", "li", "li"]
    assert tags(render("Text 2) here\n3) no list")) == ["p"]  # in a paragraph it stays text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- a\n- b\n-", ["ul", "li", "li", "li"]),
        ("- a\n-\n- c", ["ul", "li", "li", "li"]),
        ("1. a\n2.\n3. c", ["ol", "li", "li", "li"]),
        ("- \nStudent a did x.\n- Student b did y.", ["ul", "li", "p", "ul", "li"]),
    ],
    ids=["last", "between", "numbered", "text-below"],
)
def test_an_empty_item_is_an_item_not_a_heading_underline(render, text: str, expected: list[str]) -> None:
    html = render(text)
    assert tags(html) == expected and "<h" not in html
    assert tags(render("text\n-")) == ["h2"]  # under a paragraph outside a list it is an underline


def test_indented_code_is_shown_as_written(render) -> None:
    html = render("Run:\n\n    tool <path to file> \\*x\\* [a](b c) \\\n    next *\n\nDone.")
    code = re.search(r"<code>(.*?)</code>", html, re.S)
    assert code is not None
    assert code.group(1) == "tool &lt;path to file&gt; \\*x\\* [a](b c) \\\nnext *\n"
    tabbed = render("Run:\n\n\ttool a \\\n   \t--zone=n \\\n   \t--name=d\n\nDone.")
    assert "<code>tool a \\\n--zone=n \\\n--name=d\n</code>" in tabbed  # tabs indent it too


@pytest.mark.parametrize(
    ("text", "broken"),
    [
        ("one\\\ntwo", True),
        ("one\\\n2. no list here", True),
        ("one\\\n# Heading", False),
        ('call "x" \\\n- F "a=b"', False),
        ("- a\\\n- b", False),
        ("one\\\n> quoted", False),
    ],
    ids=["text", "number-no-list", "heading", "item", "in-a-list", "quote"],
)
def test_a_backslash_ends_a_line_only_inside_a_paragraph(render, text: str, broken: bool) -> None:
    html = render(text)
    assert ("<br" in html) is broken and ("\\" in html) is not broken


def test_seven_or_more_hashes_are_text_not_a_heading(render) -> None:
    html = render("Our notes:\n########\nkept for later\n########\n####### seven")
    assert tags(html) == ["p"] and html.count("########") == 2 and "####### seven" in html
    assert tags(render("###### six")) == ["h6"]


def test_a_blank_line_between_quoted_paragraphs_makes_two_quotes(render) -> None:
    html = render("> We chose a model.\n\n> We trained it.\n\n> We shipped it.")
    assert tags(html).count("blockquote") == 3
    assert tags(render("> We chose a model.\n>\n> We trained it.")) == ["blockquote", "p", "p"]  # `>` between


def test_a_quote_right_below_an_item_ends_the_list(render) -> None:
    assert tags(render("* one\n* two\n> a note")) == ["ul", "li", "li", "blockquote", "p"]
    assert tags(render("- one\n  > in the item")) == ["ul", "li", "blockquote", "p"]  # indented into it
