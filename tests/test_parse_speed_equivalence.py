"""The parser's fast paths give exactly what the plain definitions give (seeded random, invented input).

Each fast path (bit-mask similarity pre-filter, sparse alignment, byte-table word splitting, cached code
masking, line-wise dedent) is checked against a straightforward reference written here.
"""

from __future__ import annotations

import random
import re
import textwrap
from collections import Counter
from difflib import SequenceMatcher

import pytest

from cohort_archive.figures.refs import code_regions, find_links, mask_code
from cohort_archive.parse.answer import _dedent
from cohort_archive.registry.detect import align, align_hits
from cohort_archive.registry.document import code_mask
from cohort_archive.registry.text import PhraseIndex, normalise, similarity, tokens

ATOMS = ["[", "]", "(", ")", "!", ">", "> ", "\n", "\n\n", " ", "\t", "_", "*", "`", "```", "~~~", "#", "\\",
         "a", "B", "é", "K", "x1", "word", "<!--", "-->", "[x](y.png)", "![a](b c.png)", "\r", "---"]  # fmt: skip


def random_text(rnd: random.Random, size: int = 40) -> str:
    return "".join(rnd.choice(ATOMS) for _ in range(rnd.randint(0, size)))


# --- references: the plain definitions --------------------------------------------------------------


def reference_normalise(text: str) -> str:
    text = re.sub(r"^[ \t]*(?:>[ \t]?)+", "", text, flags=re.MULTILINE)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = text.replace("_", " ").lower()
    return re.sub(r"[^0-9a-z]+", " ", text).strip()


def reference_similarity(a: tuple[str, ...], b: tuple[str, ...]) -> float:
    if a == b:
        return 1.0
    if not a or not b:
        return 0.0
    bound = 2.0 * sum((Counter(a) & Counter(b)).values()) / (len(a) + len(b))
    return bound if bound < 0.45 else SequenceMatcher(None, a, b, autojunk=False).ratio()


def reference_align(sims: list[list[float]], threshold: float) -> list[int | None]:
    n = len(sims)
    m = len(sims[0]) if n else 0
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            s = sims[i - 1][j - 1]
            take = best[i - 1][j - 1] + s if s >= threshold else -1.0
            best[i][j] = max(best[i - 1][j], best[i][j - 1], take)
    out: list[int | None] = [None] * n
    i, j = n, m
    while i > 0 and j > 0:
        if best[i][j] == best[i - 1][j]:
            i -= 1
        elif best[i][j] == best[i][j - 1]:
            j -= 1
        else:
            out[i - 1] = j - 1
            i, j = i - 1, j - 1
    return out


def reference_mask(text: str, code: bool, comments: bool) -> str:
    chars = list(text)
    for start, end, kind in code_regions(text):
        if (kind == "comment" and comments) or (kind != "comment" and code):
            for k in range(start, end):
                if chars[k] != "\n":
                    chars[k] = " "
    return "".join(chars)


# --- tests ------------------------------------------------------------------------------------------


def test_normalise_and_tokens_match_the_plain_definition() -> None:
    rnd = random.Random(1)
    for _ in range(3000):
        text = random_text(rnd)
        assert normalise(text) == reference_normalise(text), repr(text)
        assert tokens(text) == tuple(reference_normalise(text).split()), repr(text)


def test_similarity_matches_the_plain_definition() -> None:
    rnd = random.Random(2)
    for _ in range(3000):
        a = tuple(rnd.choice("abcdefg") for _ in range(rnd.randint(0, 8)))
        b = tuple(rnd.choice("abcdefg") for _ in range(rnd.randint(0, 8)))
        assert similarity(a, b) == reference_similarity(a, b)


@pytest.mark.parametrize("threshold", [0.5, 0.6, 0.45, 0.3])
@pytest.mark.parametrize("phrase_first", [True, False])
def test_phrase_index_finds_every_phrase_reaching_the_threshold(threshold: float, phrase_first: bool) -> None:
    rnd = random.Random(3)
    vocab = ["the", "a", "of", "to", "answer", "figure", "model", "data", "cloud", "docker"]
    phrases = [tuple(rnd.choice(vocab) for _ in range(rnd.randint(0, 10))) for _ in range(30)]
    index = PhraseIndex(phrases)
    for _ in range(400):
        words = tuple(rnd.choice(vocab) for _ in range(rnd.randint(0, 12)))
        found = index.similar(words, threshold, phrase_first=phrase_first)
        for j, phrase in enumerate(phrases):
            exact = (
                reference_similarity(phrase, words) if phrase_first else reference_similarity(words, phrase)
            )
            if exact >= threshold:
                assert found.get(j) == exact, (phrase, words)
            elif j in found:
                assert found[j] == exact


def test_align_matches_the_plain_dynamic_programme() -> None:
    rnd = random.Random(4)
    values = [0.0, 0.25, 0.49999, 0.5, 0.5, 0.6, 0.75, 1.0]
    for _ in range(1500):
        n, m = rnd.randint(0, 10), rnd.randint(0, 10)
        sims = [[rnd.choice(values) for _ in range(m)] for _ in range(n)]
        for threshold in (0.5, 0.6, 0.0, 1):
            assert align(sims, threshold) == reference_align(sims, threshold), (sims, threshold)
        hits = [[(j, s) for j, s in enumerate(row) if s >= 0.5] for row in sims]
        assert align_hits(hits, m) == reference_align(sims, 0.5)


def test_masks_match_blanking_the_code_regions() -> None:
    rnd = random.Random(5)
    for _ in range(1500):
        text = random_text(rnd, 60)
        for code, comments in [(True, True), (False, True), (True, False)]:
            assert mask_code(text, code=code, comments=comments) == reference_mask(text, code, comments)
        assert find_links(text) == find_links(text)  # cached masks give the same links every time


def test_code_mask_marks_fenced_lines() -> None:
    lines = ["text", "```python", "# not a heading", "```", "", "~~~~", "~~~", "still code", "~~~~", "after"]
    assert code_mask(lines) == [False, True, True, True, False, True, True, True, True, False]
    # a fence left open before the next question heading is not a block: only its own line is marked
    unclosed = ["```", "code", "## Question 3", "answer"]
    assert code_mask(unclosed) == [True, False, False, False]


def test_dedent_matches_textwrap() -> None:
    rnd = random.Random(6)
    atoms = [" ", "\t", "  ", "a", "b c", "\r", "\x0b", "\u00a0", "#", ""]
    for _ in range(5000):
        lines = [
            "".join(rnd.choice(atoms) for _ in range(rnd.randint(0, 5))) for _ in range(rnd.randint(0, 6))
        ]
        assert _dedent(lines) == textwrap.dedent("\n".join(lines)), lines
    assert _dedent(["  a", "  b\n  c"]) == textwrap.dedent("  a\n  b\n  c")
