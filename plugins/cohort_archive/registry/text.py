"""Text normalisation and fuzzy similarity for matching template phrases in reports.

Normalised text is lowercase words of letters and digits separated by single spaces: Markdown emphasis,
link syntax, blockquote markers, punctuation and line breaks all vanish, so a prompt matches whether it
was written `> **...**`, `_..._` or as plain text.
"""

from __future__ import annotations

import re
from collections import Counter
from difflib import SequenceMatcher
from functools import lru_cache

_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")  # [text](url) -> text
_QUOTE = re.compile(r"^[ \t]*(?:>[ \t]?)+", re.MULTILINE)
_NON_WORD = re.compile(r"[^0-9a-z]+")


def normalise(text: str) -> str:
    """Lowercase words of the text with all Markdown markup and punctuation removed."""
    text = _QUOTE.sub("", text)
    text = _LINK.sub(r"\1", text)
    text = text.replace("_", " ").lower()
    return _NON_WORD.sub(" ", text).strip()


def tokens(text: str) -> tuple[str, ...]:
    """The normalised words of the text."""
    return tuple(normalise(text).split())


@lru_cache(maxsize=65536)
def similarity(a: tuple[str, ...], b: tuple[str, ...]) -> float:
    """Similarity of two word sequences in [0, 1] (difflib's ratio over words, 1.0 when equal)."""
    if a == b:
        return 1.0
    if not a or not b:
        return 0.0
    overlap = sum((Counter(a) & Counter(b)).values())
    bound = 2.0 * overlap / (len(a) + len(b))  # an upper bound of the ratio, cheap to compute
    if bound < 0.45:
        return bound
    return SequenceMatcher(None, a, b, autojunk=False).ratio()
