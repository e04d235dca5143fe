"""One answer's text: template noise removed, counted like report.py, headings demoted for the page."""

from __future__ import annotations

import re
import textwrap

from cohort_archive.registry.document import code_mask
from cohort_archive.registry.text import normalise

# `--- question N fill here ---`, also as editors export it: dashes escaped (`\---`) or turned into en/em
# dashes (`—`), the line in code or emphasis, dashes missing; also with a few words added (`fill here Bob`:
# who is to write it)
_DASHES = r"(?:\\?[-\u2010-\u2015])+"
_FILL = r"^[ \t>]*[`*_]*[ \t]*{dashes}[ \t]*question[ \t]+\d+[ \t]+fill[ \t]+here"  # the line's start
PLACEHOLDER = re.compile(
    _FILL.format(dashes=f"(?:{_DASHES})?") + rf"\b[^\n]{{0,40}}?[ \t]*(?:{_DASHES})?[ \t]*[`*_]*[ \t]*$", re.I
)
# a placeholder of the group's own in the template's dashes: `---Answer here---`, `--- TODO ---`
_OWN_PLACEHOLDER = re.compile(
    rf"^[ \t>]*[`*_]*[ \t]*{_DASHES}[ \t]*(?:(?:(?:your|our|the)[ \t]+)?(?:answer|text)[ \t]+(?:goes[ \t]+)?here"
    rf"|fill[ \t]+(?:in[ \t]+)?here|write[ \t]+here|tbd|todo|to[ \t]+do)[ \t]*[.!:]?[ \t]*{_DASHES}[ \t]*[`*_]*[ \t]*$",
    re.I,
)
# the placeholder, with its dashes, opening a line whose rest is the group's
_PLACEHOLDER_HEAD = re.compile(_FILL.format(dashes=_DASHES) + rf"[ \t]*{_DASHES}[`*_]*[ \t]+(\S.*)$", re.I)
# the placeholder's dashes left around an answer; as editors export them also `\---` and `—`
_WRAPPER = r"(?:\\?-{3,}|[\u2013\u2014]+(?:\\?-+)?)"
_LEADING_DASHES = re.compile(rf"^[ \t]*{_WRAPPER}[ \t]*(.*)$")
# `>--- text`: the opening dashes behind a quote's `>`
_QUOTED_OPENING = re.compile(rf"^([ \t]*>[ \t]?)[ \t]*{_WRAPPER}[ \t]*(\S.*)$")
_WRAPPED_LINE = re.compile(rf"^[ \t]*{_WRAPPER}[ \t]+(\S.*?)[ \t]+{_WRAPPER}[ \t]*$")
_OPENING = re.compile(rf"^[ \t]*{_WRAPPER}[ \t]+(\S.*)$")
_SHORT_OPENING = re.compile(r"^[ \t]*--[ \t]+(\S.*)$")  # `-- text ---`, the opening one dash short
_SHORT_CLOSING = re.compile(r"^(.*?)[ \t]*(?<!-)--[ \t]*$")  # `--- text --`, the closing one dash short
_DASH_LINE = re.compile(rf"^[ \t]*{_WRAPPER}[ \t]*$")
_TRAILING_DASHES = re.compile(rf"^(.*?)[ \t]*{_WRAPPER}[ \t]*$")
# `` ` ` ``: the empty code spans a Word export leaves on empty lines and at the start of lines
_QUOTED = re.compile(r"^[ \t]*>[ \t]?")
_LABEL = re.compile(r"^[ \t>]*(?:\*\*|__)?answer[ \t]*(?:\*\*|__)?[ \t]*:[ \t]*(?:\*\*|__)?[ \t]*(.*)$", re.I)
# a line of the template's example left below the answer: in italics, with the examples' `...` gaps
_EXAMPLE_TAIL = re.compile(r"^[ \t>]*([*_])(?=.*(?:\.\.\.|…)).*\1[\s.]*$")
_EMPTY_CODE = re.compile(r"^([ \t]*)(?:(?<!`)`[ \t]+`(?!`)[ \t]*)+")
_RULE = re.compile(r"^[ \t]{0,3}\\?([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_IMAGE = re.compile(r"\!\[.*?\]\(.*?\)")  # report.py's own pattern
# an ATX heading, also inside quotes and list items (`> ## x`, `- ### x`, `1. # x`)
_ATX = re.compile(r"^((?:[ \t]*(?:>[ \t]?|[-*+][ \t]+|\d{1,9}[.)][ \t]+))*[ \t]{0,3})(#{1,6})(?=[ \t]|$)")
_SETEXT = re.compile(r"^[ \t]{0,3}(=+|-+)[ \t]*$")
_NOT_PARAGRAPH = re.compile(r"^[ \t]*(?:[-*+>|#]|\d+[.)]|```|~~~|<)")
_HTML_HEADING = re.compile(r"<(/?)h[1-4](?=[\s>])", re.I)
_SECTION_INTRO = re.compile(r"^[ \t]*(?:>[ \t]*)?in the following section", re.I)
# a line that may be a section's heading: `## Coding environment`, or a bold line `**Coding environment**`
_HEADING_LIKE = re.compile(r"^[ \t]{0,3}(?:#{1,6}[ \t]+(.+?)[ \t#]*|(\*\*|__)([^*_]+?)\2[ \t]*:?)[ \t]*$")


def opens_section_intro(line: str) -> bool:
    """Whether the line opens a template section's intro (`> In the following section ...`)."""
    return bool(_SECTION_INTRO.match(line))


def count_words(text: str) -> int:
    """report.py's word count: whitespace-separated pieces."""
    return len(text.split())


def count_images(text: str) -> int:
    """report.py's image count: Markdown image links `![..](..)` (non-greedy, one line at a time)."""
    return len(_IMAGE.findall(text))


def clean(
    lines: list[str], fillers: tuple[str, ...] = (), sections: frozenset[str] = frozenset()
) -> tuple[str, bool]:
    """The answer the group wrote, and whether a template placeholder was left beside it.

    Drops `--- question N fill here ---` lines, the template's filler texts (`fillers`), what closes the answer but
    belongs to the next section (its intro, quoted or not; its heading, when `sections` (normalised
    section names) has it; a rule `---`, `***`), and `--- ... ---` wrapper dashes around the whole
    answer; removes indentation common to all lines.
    """
    kept, placeholder = [], False
    for line in lines:
        lower = line.lower()
        if "fill" in lower:
            if PLACEHOLDER.match(line):
                placeholder = True
                continue
            if head := _PLACEHOLDER_HEAD.match(line):  # a note or the answer after it, on its line
                placeholder = True
                kept.append(head.group(1))
                continue
        if ("here" in lower or "do" in lower or "tbd" in lower) and _OWN_PLACEHOLDER.match(line):
            placeholder = True
            continue
        kept.append(line)
    kept = [_without_empty_code(line) if "`" in line else line for line in kept]
    kept = ["" if "\u2014" in line and _DASH_LINE.match(line) else line for line in kept]  # a lone `—`
    kept = _without_label(trim_blank_lines(kept))
    for filler in fillers:
        kept = _drop_filler(kept, filler)
    kept = trim_blank_lines(kept)
    while kept:  # the next section's intro and heading (when not a heading MkDocs knows), a separator
        if (start := _section_intro(kept)) is not None:
            kept = trim_blank_lines(kept[:start])
        elif (
            (_RULE.match(kept[-1]) and not _closing_wrapper(kept))
            or kept[-1].strip() == ">"
            or _is_section_heading(kept[-1], sections)
            or (len(kept) > 1 and _EXAMPLE_TAIL.match(kept[-1]))
        ):
            kept = trim_blank_lines(kept[:-1])
        else:
            break
    text = _dedent(_without_label(_unwrap(kept)))  # answers indented as a whole were meant as prose
    return text, placeholder and bool(text.strip())


def _closing_wrapper(lines: list[str]) -> bool:
    """Whether the last line, a dash line, closes wrapper dashes the first line opens (no line between
    ends in dashes, and the line above it is no dash line); else it is a rule before the next section."""
    if not (_DASH_LINE.match(lines[-1]) and (opening := _LEADING_DASHES.match(lines[0]))):
        return False
    body = [opening.group(1), *lines[1:-1]]
    if any((m := _TRAILING_DASHES.match(line)) and m.group(1).strip() for line in body):
        return False  # closed at the end of a line of text already
    return not _DASH_LINE.match(next((line for line in reversed(body) if line.strip()), ""))


def _section_intro(lines: list[str]) -> int | None:
    """Where the quote or paragraph closing the lines starts, when it holds a section intro (`> In the
    following section ...`, on one line or more; unquoted, it opens the paragraph); else None."""
    start = len(lines)
    while start > 0 and lines[start - 1].lstrip().startswith(">"):
        start -= 1
    if start < len(lines):
        return start if any(_SECTION_INTRO.match(line) for line in lines[start:]) else None
    while start > 0 and lines[start - 1].strip():
        start -= 1
    return start if start < len(lines) and _SECTION_INTRO.match(lines[start]) else None


def _is_section_heading(line: str, sections: frozenset[str]) -> bool:
    """Whether `line` is a heading, or a line in bold, naming one of `sections` (normalised)."""
    if not sections or not (m := _HEADING_LIKE.match(line)):
        return False
    return normalise(m.group(1) or m.group(3)) in sections


def demote_headings(text: str) -> str:
    """Headings inside an answer become level 5-6 (ATX `#` +4, setext and HTML h1-h4 to h5).

    The page's own structure (report, section, question) then stays intact; fenced code is untouched (a
    fence left open runs to the answer's end, as on the page).
    """
    lines = text.split("\n")
    code = _with_pre(lines, code_mask(lines, unclosed_to_end=True))
    for i, line in enumerate(lines):
        if code[i]:
            continue
        if "#" in line and (m := _ATX.match(line)):
            level = min(6, len(m.group(2)) + 4)
            lines[i] = m.group(1) + "#" * level + line[m.end() :]
        elif (
            i > 0
            and _SETEXT.match(line)
            and lines[i - 1].strip()
            and not code[i - 1]
            and not _NOT_PARAGRAPH.match(lines[i - 1])
            and not _SETEXT.match(lines[i - 1])
        ):  # the whole paragraph above the underline is the heading's text, as on GitHub
            k = i - 1
            while k > 0 and _paragraph_line(lines[k - 1]) and not code[k - 1]:
                k -= 1
            lines[k] = "##### " + " ".join(line.strip() for line in lines[k:i])
            lines[k + 1 : i + 1] = [""] * (i - k)
        elif "<" in line:
            lines[i] = _HTML_HEADING.sub(r"<\1h5", line)
    return "\n".join(lines)


def _paragraph_line(line: str) -> bool:
    """Whether a line can be part of a paragraph above a setext underline (text, not another block)."""
    return bool(line.strip()) and not _NOT_PARAGRAPH.match(line) and not _SETEXT.match(line)


def _without_label(lines: list[str]) -> list[str]:
    """The lines without the template's `Answer:` label typed again above the answer (`Answer: 142`)."""
    lines = [line for k, line in enumerate(lines) if not (k and _bare_label(line))]  # again, further down
    if not (lines and ":" in lines[0] and (m := _LABEL.match(lines[0]))):
        return lines
    rest = lines[1:]
    if (
        lines[0].lstrip().startswith(">")
    ):  # `> Answer:` and the answer in the quote below it, as in the template
        end = next((i for i, line in enumerate(rest) if not line.lstrip().startswith(">")), len(rest))
        rest = [_QUOTED.sub("", line, count=1) for line in rest[:end]] + rest[end:]
    return [m.group(1), *rest] if m.group(1).strip() else rest


def _bare_label(line: str) -> bool:
    """Whether the line is an `Answer:` label with nothing after it."""
    return ":" in line and (m := _LABEL.match(line)) is not None and not m.group(1).strip()


def _without_empty_code(line: str) -> str:
    """The line without the empty code spans at its start (a line of nothing else becomes blank)."""
    rest = _EMPTY_CODE.sub(r"\1", line)
    return rest if rest.strip() else ""


def _with_pre(lines: list[str], code: list[bool]) -> list[bool]:
    """The code mask with the lines of HTML `<pre>` blocks added (their text is shown as it is)."""
    if not any("<pre" in line.lower() for line in lines):
        return code
    out, inside = list(code), False
    for i, line in enumerate(lines):
        low = line.lower()
        if not code[i] and "<pre" in low:
            inside = True
        out[i] = out[i] or inside
        if inside and "</pre>" in low:
            inside = False
    return out


def _dedent(lines: list[str]) -> str:
    """`textwrap.dedent` of the joined lines (whitespace-only lines emptied, the common indentation
    removed), done line by line instead of by its regular expressions over the whole text."""
    text = "\n".join(lines)
    if text.count("\n") != max(len(lines) - 1, 0):  # a line holding a line feed: the general case
        return textwrap.dedent(text)
    lines = ["" if line and not line.strip(" \t") else line for line in lines]
    indents = [line[: len(line) - len(line.lstrip(" \t"))] for line in lines if line]
    margin = ""
    if indents:  # the longest common prefix: that of the smallest and largest
        low, high = min(indents), max(indents)
        size = 0
        while size < len(low) and low[size] == high[size]:
            size += 1
        margin = low[:size]
    if not margin:
        return "\n".join(lines)
    return "\n".join(line[len(margin) :] if line.startswith(margin) else line for line in lines)


def trim_blank_lines(lines: list[str]) -> list[str]:
    """The lines without leading and trailing blank lines."""
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return lines[start:end]


def _unwrap(lines: list[str]) -> list[str]:
    """Remove `---` wrapper dashes: around a whole line (`--- text ---`), and at the start and end of the
    answer, also when more text follows the closing dashes or comes before the opening ones."""
    lines = [m.group(1) if "-" in line and (m := _WRAPPED_LINE.match(line)) else line for line in lines]
    if not lines:
        return lines
    opened = closed = False
    if m := _LEADING_DASHES.match(lines[0]):
        opened, rest = True, m.group(1)
        lines = [rest, *lines[1:]] if rest else lines[1:]
    elif m := _QUOTED_OPENING.match(lines[0]):  # an answer typed as a quote of its own, wrapper and all
        opened, lines = True, [m.group(1) + m.group(2), *lines[1:]]
    # closed at the end; once opened, also one dash short (`--- text --`)
    if lines and (m := _TRAILING_DASHES.match(lines[-1]) or (opened and _SHORT_CLOSING.match(lines[-1]))):
        closed, rest = True, m.group(1)
        lines = [*lines[:-1], rest] if rest.strip(" \t#") else lines[:-1]  # `# ---`: no heading is left
    if opened and not closed:  # closed further up, a note after it: by a dash line, or ending a paragraph
        k = next((i for i, line in enumerate(lines) if _DASH_LINE.match(line)), None)
        if k is not None:
            lines[k] = ""
        elif (k := next((i for i in range(len(lines)) if _closes_paragraph(lines, i)), None)) is not None:
            lines[k] = _TRAILING_DASHES.match(lines[k]).group(1)  # type: ignore[union-attr]
    elif closed and lines and (m := _SHORT_OPENING.match(lines[0])):  # `-- text ---`: a dash short
        lines[0] = m.group(1)
    elif closed and not opened:  # opened in front of the last paragraph (text above it: typed twice)
        k = next((i for i in range(len(lines) - 1, -1, -1) if _OPENING.match(lines[i])), None)
        if k is not None and all(line.strip() for line in lines[k:]):
            lines[k] = _OPENING.match(lines[k]).group(1)  # type: ignore[union-attr]
    return trim_blank_lines(lines)


def _closes_paragraph(lines: list[str], i: int) -> bool:
    """Whether line `i` is text ending in wrapper dashes (`... storage. ---`) at the end of a paragraph."""
    if i + 1 < len(lines) and lines[i + 1].strip():
        return False
    m = _TRAILING_DASHES.match(lines[i])
    return m is not None and bool(m.group(1).strip())


def _drop_filler(lines: list[str], filler: str) -> list[str]:
    """Drop the template's filler block (matched line by line, ignoring surrounding whitespace)."""
    block = [f.strip() for f in filler.strip("\n").split("\n")]
    stripped = [line.strip() for line in lines]
    for i in range(len(lines) - len(block) + 1):
        if stripped[i : i + len(block)] == block:
            return lines[:i] + lines[i + len(block) :]
    return lines
