"""Bytes to clean text: encodings, byte-order marks, line endings and YAML/Jekyll front matter."""

from __future__ import annotations

import codecs
import re
from typing import Any

import yaml

from cohort_archive.model import Problem

_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)


def decode(data: bytes, where: str = "reports/README.md") -> tuple[str, list[Problem]]:
    """Text with `\\n` line endings and no byte-order marks; a problem when the bytes were not UTF-8.

    Mostly-UTF-8 text with a few bad bytes keeps its UTF-8 (bad bytes become U+FFFD); text without
    any UTF-8 multi-byte sequence is taken as Windows-1252, the usual legacy editor encoding.
    """
    problems: list[Problem] = []
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = data.decode("utf-16", errors="replace")
        problems.append(Problem(where, "file is UTF-16; decoded as such", severity="info"))
    else:
        if data.startswith(codecs.BOM_UTF8):
            data = data[len(codecs.BOM_UTF8) :]
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            if _UTF8_MULTIBYTE.search(data):
                text = data.decode("utf-8", errors="replace")
                bad = text.count("\ufffd")
                problems.append(Problem(where, f"not valid UTF-8: {bad} undecodable byte(s) replaced by �"))
            else:
                text = data.decode("cp1252", errors="replace")
                problems.append(Problem(where, "not UTF-8; decoded as Windows-1252"))
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    return text, problems


def split_front_matter(
    text: str, where: str = "reports/README.md"
) -> tuple[dict[str, Any], str, list[Problem]]:
    """(front matter, the rest of the text, problems). Only a leading `---` block of YAML mapping counts."""
    m = _FRONT_MATTER.match(text)
    if not m:
        return {}, text, []
    try:
        data = yaml.safe_load(m.group(1) or "")
    except yaml.YAMLError:
        return {}, text, [Problem(where, "front matter is not valid YAML; left in the text", severity="info")]
    if data is None and not (m.group(1) or "").strip():
        data = {}
    if not isinstance(data, dict):  # a Markdown rule pair around text, not front matter
        return {}, text, []
    return {str(k): v for k, v in data.items()}, text[m.end() :], []
