"""One answer's text: template noise removed, counted like report.py, headings demoted for the page."""

from __future__ import annotations

import re
import textwrap

from cohort_archive.registry.document import Document

PLACEHOLDER = re.compile(
    r"^[ \t>]*`*[ \t]*-{2,}[ \t]*question[ \t]+\d+[ \t]+fill[ \t]+here[ \t]*-{2,}[ \t]*`*[ \t]*$", re.I
)
_LEADING_DASHES = re.compile(r"^[ \t]*-{3,}[ \t]*(.*)$")
_TRAILING_DASHES = re.compile(r"^(.*?)[ \t]*-{3,}[ \t]*$")
_IMAGE = re.compile(r"\!\[.*?\]\(.*?\)")  # report.py's own pattern
_ATX = re.compile(r"^([ \t]{0,3})(#{1,6})(?=[ \t]|$)")
_SETEXT = re.compile(r"^[ \t]{0,3}(=+|-{2,})[ \t]*$")
_NOT_PARAGRAPH = re.compile(r"^[ \t]*(?:[-*+>|#]|\d+[.)]|```|~~~|<)")
_HTML_HEADING = re.compile(r"<(/?)h[1-4](?=[\s>])", re.I)
_SECTION_INTRO = re.compile(r"^>\s*in the following section", re.I)


def count_words(text: str) -> int:
    """report.py's word count: whitespace-separated pieces."""
    return len(text.split())


def count_images(text: str) -> int:
    """report.py's image count: Markdown image links `![..](..)` (non-greedy, one line at a time)."""
    return len(_IMAGE.findall(text))


def clean(lines: list[str], filler: str = "") -> tuple[str, bool]:
    """The answer the group wrote, and whether a template placeholder was left beside it.

    Drops `--- question N fill here ---` lines, the template's filler text, a trailing section intro, and
    `--- ... ---` wrapper dashes around the whole answer; removes indentation common to all lines.
    """
    placeholder = any(PLACEHOLDER.match(line) for line in lines)
    kept = [line for line in lines if not PLACEHOLDER.match(line)]
    if filler:
        kept = _drop_filler(kept, filler)
    kept = _trim(kept)
    while kept and _SECTION_INTRO.match(kept[-1]):  # the next section's intro when its heading was deleted
        start = len(kept) - 1
        while start > 0 and kept[start - 1].lstrip().startswith(">"):
            start -= 1
        kept = _trim(kept[:start])
    kept = _unwrap(kept)
    text = textwrap.dedent("\n".join(kept))  # answers indented as a whole were meant as prose
    return text, placeholder and bool(text.strip())


def demote_headings(text: str) -> str:
    """Headings inside an answer become level 5-6 (ATX `#` +4, setext and HTML h1-h4 to h5).

    The page's own structure (report, section, question) then stays intact; fenced code is untouched.
    """
    doc = Document.from_text(text)
    lines = list(doc.lines)
    for i, line in enumerate(lines):
        if doc.code[i]:
            continue
        if m := _ATX.match(line):
            level = min(6, len(m.group(2)) + 4)
            lines[i] = m.group(1) + "#" * level + line[m.end() :]
        elif (
            i > 0
            and _SETEXT.match(line)
            and lines[i - 1].strip()
            and not doc.code[i - 1]
            and not _NOT_PARAGRAPH.match(lines[i - 1])
            and not _SETEXT.match(lines[i - 1])
        ):
            lines[i - 1] = "##### " + lines[i - 1].strip()
            lines[i] = ""
        else:
            lines[i] = _HTML_HEADING.sub(r"<\1h5", line)
    return "\n".join(lines)


def _trim(lines: list[str]) -> list[str]:
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return lines[start:end]


def _unwrap(lines: list[str]) -> list[str]:
    """Remove `---` wrapper dashes at the very start and end of the answer."""
    if not lines:
        return lines
    lines = list(lines)
    if m := _LEADING_DASHES.match(lines[0]):
        rest = m.group(1)
        if rest:
            lines[0] = rest
        else:
            lines = lines[1:]
    if lines and (m := _TRAILING_DASHES.match(lines[-1])):
        rest = m.group(1)
        if rest.strip():
            lines[-1] = rest
        else:
            lines = lines[:-1]
    return _trim(lines)


def _drop_filler(lines: list[str], filler: str) -> list[str]:
    """Drop the template's filler block (matched line by line, ignoring surrounding whitespace)."""
    block = [f.strip() for f in filler.strip("\n").split("\n")]
    stripped = [line.strip() for line in lines]
    for i in range(len(lines) - len(block) + 1):
        if stripped[i : i + len(block)] == block:
            return lines[:i] + lines[i + len(block) :]
    return lines
