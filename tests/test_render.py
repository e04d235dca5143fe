"""Answer rendering (render.py): Python-Markdown, magiclink and emoji are skipped only where they could not
have changed anything."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from cohort_archive.figures.sanitise import sanitise_html
from cohort_archive.gfm import as_github
from cohort_archive.render import (
    EXTENSIONS,
    MarkdownRenderer,
    may_autolink,
    new_markdown,
    plain_paragraphs,
)

REPO = Path(__file__).resolve().parents[1]


def full(text: str) -> str:
    """What every answer used to get: all extensions, magiclink and emoji included (after the same
    GitHub-rules pass)."""
    return sanitise_html(new_markdown(EXTENSIONS).convert(as_github(text)))


def project_texts() -> list[str]:
    """Paragraphs and whole files of the project's own invented reports and templates."""
    texts = []
    for path in sorted(
        [*(REPO / "reports" / "demo").rglob("*.md"), *(REPO / "tests" / "fixtures").rglob("*.md")]
    ):
        text = path.read_text(encoding="utf-8", errors="replace")
        texts += [text, *text.split("\n\n")]
    return texts


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We deployed with Cloud Run.", False),
        ("See https://example.com/docs.", True),
        ("Our bucket: gs://models/latest", True),
        ("Look at WWW.example.com", True),
        ("Write to s123456@student.dtu.dk", True),
        ("`docker run -p 8080:8080 api`", False),
    ],
)
def test_may_autolink(text: str, expected: bool) -> None:
    assert may_autolink(text) is expected


def test_links_are_still_made() -> None:
    renderer = MarkdownRenderer()
    assert '<a href="https://example.com/docs"' in renderer.render("See https://example.com/docs for more.")
    assert 'href="mailto:s123456@student.dtu.dk"' in renderer.render("Mail s123456@student.dtu.dk")
    assert 'href="http://www.example.com"' in renderer.render("Look at www.example.com")


@pytest.mark.parametrize(
    ("text", "linked"),
    [
        ("Set source=https://example.org/repo and go", "https://example.org/repo"),
        ("Pull image:https://example.org/img", "https://example.org/img"),
        ("The flag --url=https://example.org/api/v1 works", "https://example.org/api/v1"),
        ("A path/https://example.org/x", "https://example.org/x"),
        ("(www.example.org)", "http://www.example.org"),
        ("[x] https://example.org/after", "https://example.org/after"),
        ("\\[https://example.org/escaped", "https://example.org/escaped"),
        ("[link](https://example.org/a) then https://example.org/b", "https://example.org/b"),
    ],
)
def test_bare_urls_are_linked_where_github_links_them(text: str, linked: str) -> None:
    """GitHub links `http(s)://` after anything but a letter (`=`, `:`, `-`, `/`); magiclink alone
    only after whitespace and a few delimiters."""
    assert f'href="{linked}"' in MarkdownRenderer().render(text)


@pytest.mark.parametrize(
    "text",
    [
        "xhttps://example.org/z",
        "a=www.example.org b",
        "`x=https://example.org`",
        "name:www.example.org",
        "[https://example.org/runs/1](Check the run)",
        "[https://example.org/runs/1]",
        "[see https://example.org/x]",
        "[a [b] https://example.org/x",
        "[www.example.org]",
    ],
)
def test_no_link_where_github_makes_none(text: str) -> None:
    assert "<a " not in MarkdownRenderer().render(text)


def test_same_html_as_with_magiclink_everywhere() -> None:
    renderer = MarkdownRenderer()
    texts = project_texts()
    assert len(texts) > 100
    extra = [
        "Plain text with **bold**, ~~strike~~ and a [link](https://x.dk).",
        "- [x] done\n- [ ] todo",
        "| a | b |\n|---|---|\n| 1 | 2 |",
        "```python\nprint('hi')\n```",
        "An e-mail-like thing: user at host dot com, and a colon: here",
    ]
    for text in [*texts, *extra]:
        assert renderer.render(text) == full(text), text[:80]


@pytest.mark.parametrize(
    "text",
    [
        "We trained on one GPU.",
        "First paragraph.\n\nSecond one, after a blank line.\nAnd its second line.",
        "Three blank lines\n\n\n\nbetween these.",
        "\n\nBlank lines around it.\n\n",
        'Quotes "like these", apostrophes, (brackets), 50% and $3 per day; fine?',
        "Unicode élève, Ærø, 中文, 😀 and a non-breaking\u00a0space inside.",
        "",
    ],
)
def test_plain_text_skips_python_markdown(text: str) -> None:
    assert plain_paragraphs(text) is not None
    assert MarkdownRenderer().render(text) == full(text)


@pytest.mark.parametrize(
    "text",
    [
        "A *word* in italics.",
        "snake_case_name",
        "Two trailing spaces  \nbreak the line.",
        " A leading space.",
        "\u00a0A leading non-breaking space.",
        "- a list item",
        "1. a numbered item",
        "2024. A year opening a line",
        "Title\n=====",
        "Heading\n---",
        "+ plus list",
        "    indented code",
        "A\ttab.",
        "AT&T",
        "a < b",
        "> quoted",
        "# heading",
        "a | table",
        "see https://example.com",
        "www.example.com",
        "mail s123456@dtu.dk",
        "a :rocket: launch",
        "strike ~~this~~",
        "back\\slash",
        "a `code` span",
        "a [link](x)",
        "an image ![x](y)",
        "Windows line\r\nend",
        "  \nblank-looking first line",
    ],
)
def test_text_with_syntax_goes_through_python_markdown(text: str) -> None:
    assert plain_paragraphs(text) is None
    assert MarkdownRenderer().render(text) == full(text)


def test_plain_text_html_is_python_markdowns() -> None:
    """Random texts over plain characters, whitespace (Unicode's too) and what opens a block: every one
    that takes the short way gets the HTML Python-Markdown makes."""
    rng = random.Random(20261126)
    pieces = [
        *"abcdefghij ABCXYZ0123456789.,;?'\"()/$%^{}=+-",
        *["\n", "\n\n", "\n \n", "  ", "\u00a0", "\u2003", "\u2028", "\u0085", "é", "中", "😀"],
        *["1. ", "- ", "\t", "\r"],
    ]
    renderer, short = MarkdownRenderer(), 0
    for _ in range(4000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 60)))
        if plain_paragraphs(as_github(text)) is not None:
            short += 1
            assert renderer.render(text) == full(text), repr(text)
    assert short > 500


def test_a_backslash_before_a_space_stays() -> None:
    """As on GitHub (no subscript syntax there, so `\\ ` is no escape): shell line continuations keep it."""
    html = MarkdownRenderer().render("docker build \\ \n  -t api . \\ \n  --push and a\\ b")
    assert "docker build \\ \n  -t api . \\ \n  --push and a\\ b" in html
    assert "<del>gone</del>" in MarkdownRenderer().render("~~gone~~ too")


def test_a_code_block_keeps_its_leading_blank_line() -> None:
    """As on GitHub: a blank line typed first in a fenced block is shown (Pygments dropped it)."""
    html = MarkdownRenderer().render("Layout:\n\n```txt\n\nsrc/\n  train.py\n```")
    assert "<code>\nsrc/\n  train.py\n</code>" in html
