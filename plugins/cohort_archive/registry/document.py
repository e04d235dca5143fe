"""A light line-level scan of a Markdown report: code fences, headings, blockquotes and paragraphs.

Only as much Markdown as is needed to find template structure: fenced code is masked (a `# comment`
in a bash block is no heading), and paragraphs carry their line span so answers can be cut by line.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cached_property

from cohort_archive.registry.text import tokens

_FENCE = re.compile(r"^[ \t]{0,3}(?:>[ \t]?)*[ \t]{0,3}(`{3,}|~{3,})(.*)$")
_HEADING = re.compile(r"^[ \t]{0,3}(#{1,6})(?:[ \t]+|$)(.*?)(?:[ \t]+#+)?[ \t]*$")
_QUOTE = re.compile(r"^[ \t]{0,3}>[ \t]?")
_QUESTION_HEADING = re.compile(r"^\W*question\W*(\d+)\b", re.IGNORECASE)
_BOLD_START = re.compile(r"^\s*(\*\*|__)")
# headings written otherwise: `<h3>Question 5</h3>` on its own line, a line `**Question 5**` alone
_HTML_HEADING = re.compile(r"^[ \t]{0,3}<h([1-6])(?:\s[^>]*)?>(.*?)</h\1>[ \t]*$", re.IGNORECASE)
_BOLD_QUESTION = re.compile(
    r"^[ \t]{0,3}(\*\*|__)[ \t]*(question[ \t]*\d+(?!\d)[^*_]*?)[ \t]*\1[ \t]*$", re.I
)
_PSEUDO_LEVEL = 3  # the level of the template's question headings
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


@dataclass(frozen=True)
class Heading:
    line: int
    level: int
    text: str


@dataclass(frozen=True)
class Paragraph:
    """Consecutive non-blank lines of one kind (quoted or not); `text` has the `>` markers removed."""

    start: int  # first line index
    end: int  # one past the last line
    quoted: bool
    text: str
    bold_head: str  # the leading lines that start bold (a prompt's shape), "" if none

    @cached_property
    def words(self) -> tuple[str, ...]:
        return tokens(self.bold_head or self.text)[:150]


def strip_quote(line: str) -> str:
    """The line without one level of `>` blockquote marker."""
    m = _QUOTE.match(line)
    return line[m.end() :] if m else line


def quoted_question_heading(line: str) -> tuple[int, str] | None:
    """(number, text) of a `Question N` heading typed inside a quote (`> ### Question 3`), else None."""
    if not _QUOTE.match(line):
        return None
    m = _HEADING.match(strip_quote(line))
    if m is None:
        return None
    text = m.group(2).strip()
    q = _QUESTION_HEADING.match(text.replace("*", "").replace("_", " "))
    return (int(q.group(1)), text) if q else None


def is_quoted(line: str) -> bool:
    return bool(_QUOTE.match(line))


# an unindented line below a paragraph's line that does not go on with its text: a list marker (an empty
# box too), a heading, quote, table row, fence, HTML block, rule or setext underline
_NOT_LAZY = re.compile(
    r"^(?:(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)|#{1,6}(?:[ \t]|$)|>|\||```|~~~|<[A-Za-z!/]"
    r"|([-*_=])(?:[ \t]*\1){2,}[ \t]*$|[-=]+[ \t]*$)"
)


def starts_block(line: str) -> bool:
    """Whether an unindented line written right below a paragraph's line starts a block of its own, instead
    of going on with the paragraph as a lazy continuation line (CommonMark's rule, erring towards a block)."""
    return bool(_NOT_LAZY.match(line))


def quoted_lines(lines: list[str]) -> list[str]:
    """The lines that are quoted (`is_quoted`), in order."""
    return list(filter(_QUOTE.match, lines))


@dataclass
class Document:
    """A report's lines with their structure."""

    lines: list[str]
    fences: list[tuple[int, int]] = field(init=False)  # (opening, closing) fence line of each code block
    code: list[bool] = field(init=False)  # True for lines inside (or fencing) a code block
    headings: list[Heading] = field(init=False)
    paragraphs: list[Paragraph] = field(init=False)

    def __post_init__(self) -> None:
        self.fences = fence_spans(self.lines)
        self.code = mask_of(self.fences, len(self.lines))
        self.headings = []
        for i, line in enumerate(self.lines):
            if self.code[i]:
                continue
            if "#" in line and (m := _HEADING.match(line)):
                self.headings.append(Heading(i, len(m.group(1)), m.group(2).strip()))
            elif "<" in line and (m := _HTML_HEADING.match(line)):
                self.headings.append(Heading(i, int(m.group(1)), re.sub(r"<[^>]*>", "", m.group(2)).strip()))
            elif ("**" in line or "__" in line) and (m := _BOLD_QUESTION.match(line)):
                self.headings.append(Heading(i, _PSEUDO_LEVEL, m.group(2).strip()))
        self.paragraphs = _paragraphs(self.lines, self.code, {h.line for h in self.headings})

    @classmethod
    def from_text(cls, text: str) -> Document:
        return cls(text.split("\n"))

    def heading_at(self, line: int) -> Heading | None:
        for h in self.headings:
            if h.line == line:
                return h
        return None

    @cached_property
    def question_headings(self) -> list[tuple[int, int]]:
        """(line, number) of every heading that reads like "Question N" (any level, any suffix)."""
        found = []
        for h in self.headings:
            m = _QUESTION_HEADING.match(h.text.replace("*", "").replace("_", " "))
            if m:
                found.append((h.line, int(m.group(1))))
        return found

    @cached_property
    def prompt_candidates(self) -> list[Paragraph]:
        """Paragraphs that could be a question prompt: bold-led ones, and the first after a heading."""
        heading_lines = {h.line for h in self.headings}
        return [
            p
            for p in self.paragraphs
            if (p.bold_head or _after_heading(p.start, heading_lines, self.lines)) and p.words
        ]


def _after_heading(start: int, heading_lines: set[int], lines: list[str]) -> bool:
    """Whether a heading is at most three lines above `start`, with only blank lines between."""
    for k in (1, 2, 3):
        if start - k in heading_lines:
            return True
        if start - k < 0 or lines[start - k].strip():
            return False
    return False


def without_comments(text: str) -> tuple[str, int]:
    """(`text` with its HTML comments blanked, line breaks kept, as GitHub hides them; how many).

    Comments in fenced code or in an inline code span stay, and so does an unclosed `<!--` (GitHub would
    hide the rest of the file; here nothing is hidden that was not meant to be).
    """
    if "<!--" not in text:
        return text, 0
    lines = text.split("\n")
    code = code_mask(lines)
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)

    def blank(m: re.Match[str]) -> str:
        row = bisect_right(starts, m.start()) - 1
        before = lines[row][: m.start() - starts[row]]
        if code[row] or before.count("`") % 2:
            return m.group(0)
        hidden.append(m.group(0))
        return "\n" * m.group(0).count("\n")

    hidden: list[str] = []
    return _COMMENT.sub(blank, text), len(hidden)


def code_mask(lines: list[str], *, unclosed_to_end: bool = False) -> list[bool]:
    """For each line, whether it is inside (or fences) a fenced code block.

    A fence never closed is its own line only, so that a stray one does not swallow the report; in one
    answer's text (`unclosed_to_end`) it runs to the end, as the page renders it.
    """
    return mask_of(fence_spans(lines, unclosed_to_end=unclosed_to_end), len(lines))


def mask_of(spans: list[tuple[int, int]], n: int) -> list[bool]:
    """`n` flags, True on the lines of the (first, last) spans."""
    mask = [False] * n
    for first, last in spans:
        mask[first : last + 1] = [True] * (last + 1 - first)
    return mask


def fence_spans(lines: list[str], *, unclosed_to_end: bool = False) -> list[tuple[int, int]]:
    """(opening fence, closing fence) line of each fenced code block, in order (see `code_mask`)."""
    spans: list[tuple[int, int]] = []
    fences = [i for i, line in enumerate(lines) if "```" in line or "~~~" in line]  # all _FENCE can match
    k = 0
    i = 0
    while k < len(fences):
        i = fences[k]
        m = _FENCE.match(lines[i])
        if not m or (m.group(1)[0] == "`" and "`" in m.group(2)):
            k += 1
            continue
        fence = m.group(1)
        close = None
        stop = len(lines)
        for j in range(i + 1, len(lines)):
            line = lines[j]
            if "```" in line or "~~~" in line:
                c = _FENCE.match(line)
                if (
                    c
                    and c.group(1)[0] == fence[0]
                    and len(c.group(1)) >= len(fence)
                    and not c.group(2).strip()
                ):
                    close = j
                    break
            if line.lstrip().startswith("#") and _QUESTION_HEADING.match(line.lstrip("# ")):
                stop = j
                break  # an unclosed fence does not swallow the next question
        end = close if close is not None else (stop - 1 if unclosed_to_end else i)
        spans.append((i, end))
        while k < len(fences) and fences[k] <= end:
            k += 1
    return spans


def _paragraphs(lines: list[str], code: list[bool], heading_lines: set[int]) -> list[Paragraph]:
    out: list[Paragraph] = []
    start = 0
    texts: list[str] = []  # the current paragraph's lines, `>` markers removed
    cur_quoted = False

    def flush() -> None:
        if texts:
            head = []
            for t in texts:
                if not _BOLD_START.match(t):
                    break
                head.append(t)
            end = start + len(texts)
            out.append(Paragraph(start, end, cur_quoted, "\n".join(texts).strip(), "\n".join(head).strip()))
            texts.clear()

    for i, line in enumerate(lines):
        q = _QUOTE.match(line)
        content = line[q.end() :] if q else line
        if (
            code[i]
            or not content.strip()
            or i in heading_lines
            or (q and "#" in content and _HEADING.match(content))
        ):
            if texts:
                flush()
            continue
        quoted = q is not None
        if texts and quoted != cur_quoted:
            flush()
        if not texts:
            start = i
        cur_quoted = quoted
        texts.append(content)
    flush()
    return out
