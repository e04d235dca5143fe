"""Text normalisation and fuzzy similarity for matching template phrases in reports.

Normalised text is lowercase words of letters and digits separated by single spaces: Markdown emphasis,
link syntax, blockquote markers, punctuation and line breaks all vanish, so a prompt matches whether it
was written `> **...**`, `_..._` or as plain text.

`PhraseIndex` finds, among fixed phrases (the registry's prompts or checklist items), those a text may
be similar to, without comparing every pair: reports are matched against dozens of phrases each.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from difflib import SequenceMatcher
from functools import lru_cache
from itertools import accumulate, compress

_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")  # [text](url) -> text (`![alt](url)` too: see _drop_links)
# bytes -> b" " except ASCII digits and lowercase letters
_WORD_BYTES = bytes(c if 48 <= c <= 57 or 97 <= c <= 122 else 32 for c in range(256))


def _drop_links(text: str) -> str:
    """Links and images replaced by their text: `[text](url)` and `![text](url)` -> `text`."""
    if "](" not in text:
        return text
    out = []
    pos = 0
    for m in _LINK.finditer(text):  # a pattern opening with a literal `[` is searched fast
        start = m.start()
        if start > pos and text[start - 1] == "!":
            start -= 1
        out.append(text[pos:start])
        out.append(m.group(1))
        pos = m.end()
    out.append(text[pos:])
    return "".join(out)


def _words(text: str) -> list[str]:
    """The runs of ASCII digits and lowercase letters in the text (anything else separates them)."""
    return text.encode("ascii", "replace").translate(_WORD_BYTES).decode("ascii").split()


def normalise(text: str) -> str:
    """Lowercase words of the text with all Markdown markup and punctuation removed.

    Blockquote markers, emphasis and punctuation separate words like spaces do; link destinations go.
    """
    return " ".join(_words(_drop_links(text).lower()))


def tokens(text: str) -> tuple[str, ...]:
    """The normalised words of the text."""
    return tuple(_words(_drop_links(text).lower()))


@lru_cache(maxsize=4096)
def phrase_tokens(text: str) -> tuple[str, ...]:
    """`tokens`, cached: for the registry's short phrases (prompts, sections, checklist items)."""
    return tokens(text)


@lru_cache(maxsize=4096)
def normalised_phrase(text: str) -> str:
    """`normalise`, cached: for the registry's short phrases (sections, markers)."""
    return normalise(text)


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


_REMEMBERED = 4096  # texts whose similar phrases a PhraseIndex remembers


class PhraseIndex:
    """A fixed list of phrases (word sequences), indexed to find those similar to given words fast.

    `similar(words, threshold)` gives the exact `similarity` of every phrase that may reach the
    threshold: 2 * overlap / total length bounds the ratio from above, where overlap is the size of the
    multiset intersection of the words. Phrases left out are certainly less similar than the threshold.

    Each phrase is a bit mask with one bit per (word, k-th repeat of it): AND-ing it with the given
    words' mask and counting bits is the overlap, for all phrases in a few C-level steps.
    """

    def __init__(self, phrases: Sequence[tuple[str, ...]]) -> None:
        self.phrases = tuple(phrases)
        self._lens = [len(p) for p in self.phrases]
        repeats: dict[str, list[int]] = {}  # word -> bit of its k-th repeat, for k up to the most repeats
        self._masks = []
        used = 0
        for phrase in self.phrases:
            mask = 0
            for word, count in Counter(phrase).items():
                bits = repeats.setdefault(word, [])
                while len(bits) < count:
                    bits.append(1 << used)
                    used += 1
                mask |= sum(bits[:count])
            self._masks.append(mask)
        self._first = {word: bits[0] for word, bits in repeats.items()}
        # word -> bits of its first k+1 repeats, for words some phrase repeats
        self._upto = {w: list(accumulate(bits)) for w, bits in repeats.items() if len(bits) > 1}
        self._repeated = frozenset(self._upto)
        self._least: dict[tuple[int, float], list[int]] = {}
        self._similar: dict[tuple[tuple[str, ...], float, bool], dict[int, float]] = {}

    def similar(self, words: tuple[str, ...], threshold: float, *, phrase_first: bool) -> dict[int, float]:
        """Position of each phrase that may be this similar -> `similarity(phrase, words)`, or
        `similarity(words, phrase)` when not `phrase_first` (difflib's ratio is not symmetric).

        Remembered (reports repeat the template's own text): the caller must not change the dict.
        """
        key = (words, threshold, phrase_first)
        found = self._similar.get(key)
        if found is None:
            if len(self._similar) >= _REMEMBERED:
                self._similar.clear()
            found = self._similar[key] = self._find(words, threshold, phrase_first)
        return found

    def _find(self, words: tuple[str, ...], threshold: float, phrase_first: bool) -> dict[int, float]:
        if not words or not 0 < threshold <= 1:  # an empty phrase equals empty words: compare all
            candidates: Iterable[int] = range(len(self.phrases))
        else:
            overlaps = map(int.bit_count, map(self._mask(words).__and__, self._masks))
            least = self._least_overlaps(len(words), threshold)
            candidates = compress(range(len(self.phrases)), map(int.__le__, least, overlaps))
        phrases = self.phrases  # (equal sequences are 1.0 without a look-up)
        if phrase_first:
            return {j: 1.0 if phrases[j] == words else similarity(phrases[j], words) for j in candidates}
        return {j: 1.0 if phrases[j] == words else similarity(words, phrases[j]) for j in candidates}

    def _mask(self, words: tuple[str, ...]) -> int:
        """The bits of the words' (word, k-th repeat) items that occur in some phrase."""
        unique = set(words)
        mask = sum(filter(None, map(self._first.get, unique)))  # distinct words have disjoint bits
        if len(unique) < len(words):
            for word in unique & self._repeated:
                upto = self._upto[word]
                mask |= upto[min(words.count(word), len(upto)) - 1]
        return mask

    def _least_overlaps(self, n: int, threshold: float) -> list[int]:
        """For each phrase, the least overlap with n words for which `similarity` may reach the
        threshold: the same float expression as its bound, so rounding cannot drop a real match."""
        key = (n, threshold)
        if key not in self._least:
            least = []
            for m in self._lens:
                total = n + m
                k = max(0, int(threshold * total / 2.0) - 2)
                while 2.0 * k / total < threshold:
                    k += 1
                while k > 0 and 2.0 * (k - 1) / total >= threshold:
                    k -= 1
                least.append(k)
            self._least[key] = least
        return self._least[key]


@lru_cache(maxsize=64)
def phrase_index(phrases: tuple[tuple[str, ...], ...]) -> PhraseIndex:
    """A PhraseIndex, cached: for the registry's phrases, the same in every report."""
    return PhraseIndex(phrases)
