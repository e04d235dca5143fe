"""Group information (Q1 and Q2) as people write it: the group number as one line of text, the study
numbers as written, and notes on entries that are not study numbers."""

from __future__ import annotations

import re

_QUOTE_MARK = re.compile(r"(?m)^[ \t]*(?:>[ \t]?)+")
_BREAK = re.compile(r"<br\s*/?>|\\$", re.I | re.M)
_EMPHASIS = re.compile(r"\*\*|__|(?<![\w*])[*_](?=\S)|(?<=\S)[*_](?![\w*])")
_ENTITY = re.compile(r"&#?\w+;")
_TEMPLATE_NUMBER = re.compile(r"s?x{4,}", re.I)
_ENTRY_SPLIT = re.compile(r"[,;\n]|\band\b|<br\s*/?>", re.I)
_STUDENT = re.compile(r"(?<![A-Za-z0-9])[sS]\d{4,8}(?!\d)")  # DTU's are s + 6 digits; kept as written
# with the `s`, or a number of 6-8 digits written without it (or another university's), in order
_STUDENTS = re.compile(rf"{_STUDENT.pattern}|(?<![\w.,/:-])\d{{6,8}}(?![\w.,/:-]?\d)")


def group_number_text(markdown: str) -> str:
    """Q1's answer as one line of text: without quote markers, line breaks (`<br>`, a `\\` at a line's
    end) and emphasis marks."""
    text = _BREAK.sub(" ", _QUOTE_MARK.sub("", markdown))
    return " ".join(_EMPHASIS.sub("", text).split())


def study_numbers(markdown: str) -> list[str]:
    """The study numbers of Q2's answer, as written (lower case): DTU's `s123456` (a digit too few or many
    kept), and numbers of 6-8 digits without the `s`."""
    return list(dict.fromkeys(s.lower() for s in _STUDENTS.findall(markdown)))


def study_number_notes(markdown: str, found: list[str]) -> list[str]:
    """What to tell about Q2's answer, whose `study_numbers` are `found`: numbers that are not DTU's form,
    members listed without a number."""
    notes = []
    if odd := [s for s in found if s.startswith("s") and len(s) != 7]:
        notes.append(f"{', '.join(odd)}: not a DTU study number (s and 6 digits); shown as written")
    if found and (names := _without_number(markdown)):
        notes.append(f"no study number for {', '.join(repr(n) for n in names[:5])}")
    return notes


def _without_number(text: str) -> list[str]:
    """The entries of a Q2 list (split at commas, semicolons, lines and "and") that hold no study number;
    not a label over the list (`Study numbers:`), nor the template's `sXXXXXX`."""
    text = _ENTITY.sub(" ", _QUOTE_MARK.sub("", text))
    entries = [e.strip(" \t*_>-.\\") for e in _ENTRY_SPLIT.split(text)]
    entries = [e for e in entries if e]
    if entries and entries[0].endswith(":"):
        entries = entries[1:]
    entries = [e.rstrip(" :*_") for e in entries]
    return [
        e
        for e in entries
        if e and not _STUDENTS.search(e) and not _TEMPLATE_NUMBER.fullmatch(e) and any(c.isalpha() for c in e)
    ]
