"""Answer rendering (render.py): magiclink and emoji are skipped only where they could not have changed
anything."""

from __future__ import annotations

from pathlib import Path

import markdown
import pytest

from cohort_archive.figures.sanitise import sanitise_html
from cohort_archive.gfm import as_github
from cohort_archive.render import EXTENSION_CONFIGS, EXTENSIONS, MarkdownRenderer, may_autolink

REPO = Path(__file__).resolve().parents[1]


def full(text: str) -> str:
    """What every answer used to get: all extensions, magiclink and emoji included (after the same
    GitHub-rules pass)."""
    md = markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS)
    return sanitise_html(md.convert(as_github(text)))


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
