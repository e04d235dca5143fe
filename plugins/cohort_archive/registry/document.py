"""A light line-level scan of a Markdown report: code fences, headings, blockquotes and paragraphs.

Only as much Markdown as is needed to find template structure: fenced code is masked (a `# comment`
in a bash block is no heading), and paragraphs carry their line span so answers can be cut by line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from cohort_archive.registry.text import tokens

_FENCE = re.compile(r"^[ \t]{0,3}(?:>[ \t]?)*[ \t]{0,3}(`{3,}|~{3,})(.*)$")
_HEADING = re.compile(r"^[ \t]{0,3}(#{1,6})(?:[ \t]+|$)(.*?)(?:[ \t]+#+)?[ \t]*$")
_QUOTE = re.compile(r"^[ \t]{0,3}>[ \t]?")
_QUESTION_HEADING = re.compile(r"^\W*question\W*(\d+)\b", re.IGNORECASE)
_BOLD_START = re.compile(r"^\s*(\*\*|__)")


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
    return _QUOTE.sub("", line, count=1)


def is_quoted(line: str) -> bool:
    return bool(_QUOTE.match(line))


@dataclass
class Document:
    """A report's lines with their structure."""

    lines: list[str]
    code: list[bool] = field(init=False)  # True for lines inside (or fencing) a code block
    headings: list[Heading] = field(init=False)
    paragraphs: list[Paragraph] = field(init=False)

    def __post_init__(self) -> None:
        self.code = _code_mask(self.lines)
        self.headings = []
        for i, line in enumerate(self.lines):
            if not self.code[i] and (m := _HEADING.match(line)):
                self.headings.append(Heading(i, len(m.group(1)), m.group(2).strip()))
        self.paragraphs = _paragraphs(self.lines, self.code)

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
        out = []
        for p in self.paragraphs:
            after_heading = any(
                (p.start - k) in heading_lines
                and all(not self.lines[p.start - j].strip() for j in range(1, k))
                for k in range(1, 4)
            )
            if (p.bold_head or after_heading) and p.words:
                out.append(p)
        return out


def _code_mask(lines: list[str]) -> list[bool]:
    mask = [False] * len(lines)
    i = 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if not m or (m.group(1)[0] == "`" and "`" in m.group(2)):
            i += 1
            continue
        fence = m.group(1)
        close = None
        for j in range(i + 1, len(lines)):
            c = _FENCE.match(lines[j])
            if c and c.group(1)[0] == fence[0] and len(c.group(1)) >= len(fence) and not c.group(2).strip():
                close = j
                break
            if _QUESTION_HEADING.match(lines[j].lstrip("# ")) and lines[j].lstrip().startswith("#"):
                break  # an unclosed fence does not swallow the next question
        end = close if close is not None else i
        for k in range(i, end + 1):
            mask[k] = True
        i = end + 1
    return mask


def _paragraphs(lines: list[str], code: list[bool]) -> list[Paragraph]:
    out: list[Paragraph] = []
    cur: list[int] = []
    cur_quoted = False

    def flush() -> None:
        if cur:
            texts = [strip_quote(lines[k]) if cur_quoted else lines[k] for k in cur]
            head = []
            for t in texts:
                if not _BOLD_START.match(t):
                    break
                head.append(t)
            out.append(
                Paragraph(cur[0], cur[-1] + 1, cur_quoted, "\n".join(texts).strip(), "\n".join(head).strip())
            )
            cur.clear()

    for i, line in enumerate(lines):
        quoted = is_quoted(line)
        content = strip_quote(line) if quoted else line
        if code[i] or not content.strip() or _HEADING.match(line) or (quoted and _HEADING.match(content)):
            flush()
            continue
        if cur and quoted != cur_quoted:
            flush()
        cur_quoted = quoted
        cur.append(i)
    flush()
    return out
