"""Which template version a report follows, told from the question prompts found in its text.

1. Every version's prompts are aligned, in order, with the report's prompt-like paragraphs (fuzzy: case,
   punctuation, emphasis and line breaks do not matter; edited prompts still match partially). A version
   scores the summed similarity of its aligned prompts over max(its question count, the number of
   "Question N" headings in the text), so a 31-question report does not fit a 27-question version.
2. Among versions scoring within 1.5 questions of the best, the newest whose `markers` (phrases that
   occur in that version and not in its structural neighbours) appear in the template parts of the text
   wins: a newer version's phrase shows the text postdates the older one, so intermediate revisions
   (early-January 2026 text still worded like 2025 in Q3) go to the newer version. Without any marker,
   the best score wins.
3. Versions with identical questions (2023 and 2024 differ by one spelling in an example) are settled
   by the optional `hint` (a date such as the report's first commit, or a cohort id: the newest version
   released on or before it), else by markers, else the newest.
A best score below 0.5 means a custom structure: no template; unless the prompts were deleted but the
`Question 1` ... `Question N` headings kept, N being the question count of the version the `hint` gives.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from itertools import compress

from cohort_archive.model import Problem, Template
from cohort_archive.registry.document import Document, Paragraph, quoted_lines
from cohort_archive.registry.load import Registry
from cohort_archive.registry.text import normalise, normalised_phrase, phrase_index, phrase_tokens

MATCH_THRESHOLD = 0.5  # a paragraph this similar to a prompt may stand for it
MIN_SCORE = 0.5  # below this fraction of prompts found, the report follows no template
WINDOW_QUESTIONS = 1.5  # versions this close to the best are compared by markers


@dataclass
class Match:
    """How one template version fits a document."""

    template: Template
    prompts: dict[int, tuple[Paragraph, float]]  # question number -> (paragraph, similarity)
    score: float
    markers: int = 0


@dataclass
class Detection:
    template: str | None
    problems: list[Problem] = field(default_factory=list)
    matches: dict[str, Match] = field(default_factory=dict)

    @property
    def match(self) -> Match | None:
        return self.matches.get(self.template) if self.template else None


Hint = str | Callable[[], str | None] | None  # a hint, or what computes it when it is needed
Hits = list[tuple[int, float]]  # one row's cells that reach the threshold: (column, similarity), by column


def align(sims: list[list[float]], threshold: float = MATCH_THRESHOLD) -> list[int | None]:
    """For each row, a column (strictly increasing down the rows) maximising the summed similarity.

    Cells below the threshold are never chosen; rows without a column get None.
    """
    m = len(sims[0]) if sims else 0
    at_least = float(threshold).__le__
    return align_hits([[(j, row[j]) for j in compress(range(m), map(at_least, row))] for row in sims], m)


def align_hits(rows: list[Hits], m: int) -> list[int | None]:
    """`align` over `m` columns given only each row's cells that reach the threshold."""
    # best[i][j] = max(best[i-1][j], best[i][j-1], best[i-1][j-1] + s) over those cells. Rows never
    # decrease along j, so a row is the one above, raised at its cells and carried right.
    best = [[0.0] * (m + 1)]
    for hits in rows:
        prev = best[-1]
        if not hits:
            best.append(prev)
            continue
        cur = prev[:]
        for j, s in hits:
            take = prev[j] + s
            if take > cur[j + 1]:  # raise it and the cells right of it that are lower
                k = bisect_left(cur, take, j + 2)
                cur[j + 1 : k] = [take] * (k - j - 1)
        best.append(cur)
    out: list[int | None] = [None] * len(rows)
    i, j = len(rows), m
    while i > 0 and j > 0:
        here = best[i][j]
        if here == 0.0:  # nothing above or left of here was taken
            break
        if here == best[i - 1][j]:
            i -= 1
        elif here == best[i][j - 1]:
            j -= 1
        else:
            out[i - 1] = j - 1
            i, j = i - 1, j - 1
    return out


def match_template(
    doc: Document, template: Template, rows: dict[tuple[str, ...], Hits] | None = None
) -> Match:
    """Align the template's prompts with the document's prompt-like paragraphs.

    `rows` (from `prompt_hits`) may hold the prompts' similarities already, shared between versions.
    """
    cands = doc.prompt_candidates
    prompts = [prompt_words(q.prompt) for q in template.questions]
    if rows is None:
        rows = prompt_hits(doc, prompts)
    hits = [rows[p] for p in prompts]
    chosen = align_hits(hits, len(cands)) if cands else [None] * len(prompts)
    found = {
        q.number: (cands[j], dict(hits[i])[j])
        for i, (q, j) in enumerate(zip(template.questions, chosen, strict=True))
        if j is not None
    }
    units = len({n for _, n in doc.question_headings})
    total = sum(s for _, s in found.values())
    return Match(template, found, total / max(len(template.questions), units, 1))


def detect(doc: Document, registry: Registry, hint: Hint = None) -> Detection:
    """Choose the template version the document follows; see the module docstring.

    `hint` may be a function giving it: it is called only when versions with identical questions tie.
    """
    templates = registry.ordered()
    rows = prompt_hits(doc, [prompt_words(q.prompt) for t in templates for q in t.questions])
    matches = {t.id: match_template(doc, t, rows) for t in templates}
    if not matches:
        return Detection(None, [Problem("template", "the question registry is empty", severity="error")])
    best = max(matches.values(), key=lambda m: m.score)
    if best.score < MIN_SCORE:
        if (by_headings := _by_headings(doc, registry, hint)) is not None:
            message = (
                f"no question prompts found; the answers are placed by their `Question N` headings, "
                f"as in {by_headings}, the template of the report's time"
            )
            return Detection(by_headings, [Problem("template", message)], matches)
        message = (
            f"follows no known template (closest: {best.template.id}, {len(best.prompts)} of "
            f"{len(best.template.questions)} question prompts found); kept as free-form text"
        )
        return Detection(None, [Problem("template", message)], matches)
    window = WINDOW_QUESTIONS / max(len(best.template.questions), 1)
    close = [m for m in matches.values() if m.score >= best.score - window]
    text = f" {normalise(template_text(doc, best))} "
    for m in close:
        m.markers = sum(f" {normalised_phrase(marker)} " in text for marker in m.template.markers)
    classes: dict[tuple, list[Match]] = {}
    for m in close:  # versions with identical questions cannot be told apart by prompts
        classes.setdefault(_question_key(m.template), []).append(m)
    age = registry.age
    with_marker = [m for m in close if m.markers]
    if with_marker:  # a newer version's marker proves the text postdates the older version
        pick = max(with_marker, key=lambda m: age(m.template.id))
    else:
        pick = max(close, key=lambda m: (m.score, age(m.template.id)))
    twins = sorted(classes[_question_key(pick.template)], key=lambda m: age(m.template.id))
    if len(twins) == 1:
        return Detection(pick.template.id, [], matches)
    ids = [m.template.id for m in twins]
    marked = [m.template.id for m in twins if m.markers]
    if callable(hint):
        hint = hint()
    chosen = _by_hint(ids, hint, registry)
    if chosen:
        doubt = bool(marked) and chosen not in marked
        why = f"chose {chosen} from the hint {hint!r} over the text's markers of {', '.join(marked)}"
    elif marked:
        chosen = marked[-1]
        doubt = len(marked) > 1
        why = f"the text has markers of {' and '.join(marked)}; chose {chosen}"
    else:
        chosen = ids[-1]
        doubt = True
        why = f"nothing in the text tells them apart; chose the newest, {chosen}"
    problems = [Problem("template", f"{' and '.join(ids)} have identical questions; {why}", severity="info")]
    return Detection(chosen, problems if doubt else [], matches)


def prompt_hits(doc: Document, prompts: list[tuple[str, ...]]) -> dict[tuple[str, ...], Hits]:
    """Prompt words -> the document's prompt candidates at least MATCH_THRESHOLD similar to them."""
    unique = tuple(dict.fromkeys(prompts))
    index = phrase_index(unique)
    rows: list[Hits] = [[] for _ in unique]
    for j, cand in enumerate(doc.prompt_candidates):  # columns in order, so each row is sorted
        for i, s in index.similar(cand.words, MATCH_THRESHOLD, phrase_first=True).items():
            if s >= MATCH_THRESHOLD:
                rows[i].append((j, s))
    return dict(zip(unique, rows, strict=True))


def template_text(doc: Document, match: Match) -> str:
    """The parts of the text that come from the template: all before the first question, and quotes.

    Markers are looked for only here, so a group writing "uv add ..." in an answer does not count.
    """
    starts = [p.start for p, _ in match.prompts.values()] + [line for line, _ in doc.question_headings]
    first = min(starts, default=len(doc.lines))
    rest = quoted_lines(doc.lines[first:])
    return "\n".join(doc.lines[:first] + rest)


def detect_template(text: str, registry: Registry, hint: Hint = None) -> tuple[str | None, list[Problem]]:
    """The template id the report text follows (None for a custom structure) and what was doubtful.

    `hint` (a date such as the report's first commit, a cohort id such as "2024-january", or a template
    id) is used only to choose between versions whose questions are identical (2023 and 2024).
    """
    result = detect(Document.from_text(text.replace("\r\n", "\n")), registry, hint)
    return result.template, result.problems


_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_COHORT = re.compile(r"^(\d{4})-([a-z]+)$")
_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december"]  # fmt: skip


def hint_date(hint: str) -> date | None:
    """A hint as a date: "2024-01-18" (or a longer ISO timestamp), "2024-january", "2024-01", "2024".

    A cohort id or bare year means the 1st of that month (January for a bare year).
    """
    hint = hint.strip().lower()
    if m := _COHORT.match(hint):
        if m.group(2) in _MONTHS:
            return date(int(m.group(1)), _MONTHS.index(m.group(2)) + 1, 1)
        return None
    if m := _DATE.match(hint):
        try:
            return date(int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1))
        except ValueError:
            return None
    return None


def _by_hint(ids: list[str], hint: str | None, registry: Registry) -> str | None:
    """Among tied versions: the hinted id itself, else the newest released on or before the hint's date."""
    if not hint:
        return None
    if hint in ids:
        return hint
    when = hint_date(hint)
    if when is None:
        return None
    older = [i for i in ids if i in registry.released and registry.released[i] <= when]
    return max(older, key=registry.age) if older else ids[0]


def _by_headings(doc: Document, registry: Registry, hint: Hint) -> str | None:
    """For a report whose prompts were all deleted: among the versions whose questions are numbered exactly
    as the document's `Question N` headings (in order), the one the hint gives (the hinted version, else
    the newest released by the hint's date, else the oldest); None without a hint or such a version."""
    numbers = [n for _, n in doc.question_headings]
    if not numbers or numbers != list(range(1, len(numbers) + 1)):
        return None
    fitting = [t.id for t in registry.ordered() if [q.number for q in t.questions] == numbers]
    if not fitting:
        return None
    if callable(hint):
        hint = hint()
    return _by_hint(fitting, hint, registry)


def _question_key(template: Template) -> tuple:
    return tuple((q.number, prompt_words(q.prompt), q.limits) for q in template.questions)


@lru_cache(maxsize=4096)
def prompt_words(prompt: str) -> tuple[str, ...]:
    """A prompt's words as matched against a report's paragraphs (the first 150)."""
    return phrase_tokens(prompt)[:150]
