"""Bytes to clean text: encodings, byte-order marks, line endings and YAML/Jekyll front matter."""

from __future__ import annotations

import codecs
import re
from typing import Any

import yaml

from cohort_archive.model import Problem

_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)


_SNIFF = 8192  # bytes looked at to tell text from binary, as git does


def _utf16_without_bom(data: bytes) -> str | None:
    """ "utf-16-le" / "utf-16-be" when `data` looks like UTF-16 text of mostly ASCII characters (every other
    byte NUL, the rest not), else None."""
    head = data[:_SNIFF]
    if len(head) < 16:
        return None
    even, odd = head[0::2], head[1::2]
    zeros_even, zeros_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    if zeros_odd > 0.75 and zeros_even < 0.05:
        return "utf-16-le"
    if zeros_even > 0.75 and zeros_odd < 0.05:
        return "utf-16-be"
    return None


def decode(data: bytes, where: str = "reports/README.md") -> tuple[str, list[Problem]]:
    """Text with `\\n` line endings and no byte-order marks; a problem when the bytes were not UTF-8.

    Mostly-UTF-8 text with a few bad bytes keeps its UTF-8 (bad bytes become U+FFFD); text without
    any UTF-8 multi-byte sequence is taken as Windows-1252, the usual legacy editor encoding.
    """
    problems: list[Problem] = []
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = data.decode("utf-16", errors="replace")
        problems.append(Problem(where, "file is UTF-16; decoded as such", severity="info"))
    elif codec := _utf16_without_bom(data):
        text = data.decode(codec, errors="replace")
        problems.append(
            Problem(where, "file is UTF-16 without a byte-order mark; decoded as such", severity="info")
        )
    elif b"\0" in data[:_SNIFF]:
        return "", [
            Problem(where, "not a text file (binary content); nothing of it is shown", severity="error")
        ]
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
