"""Where each question of a template sits in a report, and the raw lines of its answer.

A question is anchored at its prompt (found fuzzily by the registry's alignment), started at the heading
just above it, whatever that heading says (`### Question 18 TODO`), or at its own `Question N` heading
further up when the group wrote (part of) its answer between the two; failing a prompt, at a
`Question N` heading. It runs to the next question in the document, or to the next section's heading
when that question opens a new section, or to a second copy of it or of the next question (the same
prompt again; the copy's answer is joined to that question's), or to a question the group added
(`### Question 3b` over a quoted prompt: kept apart in `added`). Inside, the template's blockquote
(prompt, length hint, example) is skipped (with its `>` markers deleted, the prompt, hint, example and
`Answer:` label as in the template); what follows `Answer:` is the answer, inside the quote (markers
stripped) or after it, after any text above the prompt.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise

from cohort_archive.model import QuestionSpec, Template
from cohort_archive.parse.answer import opens_section_intro, trim_blank_lines
from cohort_archive.registry.detect import MATCH_THRESHOLD, Match, prompt_words
from cohort_archive.registry.document import (
    Document,
    Heading,
    Paragraph,
    code_mask,
    is_quoted,
    quoted_question_heading,
    starts_block,
    strip_quote,
)
from cohort_archive.registry.text import normalise, normalised_phrase, phrase_tokens, similarity, tokens

# (every `Answer:` has a colon: a line without one is not tried)
# (`**Answer:**`, `**Answer**:`, `#### Answer:` too)
_ANSWER = re.compile(
    r"^[ \t]*(?:#{1,6}[ \t]+)?(?:\*\*|__|\*|_)?[ \t]*answer[ \t]*(?:\*\*|__|\*|_)?[ \t]*:[ \t]*(?:\*\*|__|\*|_)?[ \t]?(.*)$",
    re.I,
)
_HINT = re.compile(r"^[\s*_]*(?:recommended\s+)?answer\s+length\b", re.I)
_EXAMPLE = re.compile(r"^[\s*_]*example\s*:?[\s*_]*$", re.I)
_EXAMPLE_INLINE = re.compile(r"^[\s*_]*example\s*:[\s*_]*?(\S.*)$", re.I)
_ITALIC_LINE = re.compile(r"^\s*([*_]).*\1[\s.]*$")
_DASH_LINE = re.compile(r"^[ \t]{0,3}-{3,}[ \t]*$")  # a setext underline or a rule
_LIST_MARKER = re.compile(r"^[ \t]{0,3}(?:[-*+]|\d{1,9}[.)])[ \t]+(?=\S)")
_EXAMPLE_LINES = 6  # how far below a quote ending at `Example:` its unquoted example may reach
EXAMPLE_GAP = re.compile(r"\.\.\.|…|XXXX")  # the gaps and placeholders of the course's examples


@dataclass
class Located:
    """One question's place in the document."""

    spec: QuestionSpec
    start: int | None = None  # first line (the heading, or the prompt when no heading), None: not found
    end: int | None = None
    prompt: Paragraph | None = None
    heading: str | None = None  # the heading text as written, when there is one
    copies: list[Located] = field(default_factory=list)  # further blocks of this question (written twice)
    added: list[Added] = field(default_factory=list)  # questions the group added below this one


@dataclass(frozen=True)
class Added:
    """A question the group added (`### Question 3b` over a quoted prompt of its own): lines [start, end)."""

    start: int
    end: int
    heading: str


def locate(
    doc: Document, template: Template, match: Match, other_wordings: dict[int, tuple[str, ...]] | None = None
) -> list[Located]:
    """Place every question of the template in the document (start/end None when it is missing).

    A question is found by its prompt, else by its `Question N` heading, else by the prompt another
    version gives it (`other_wordings`, from `Registry.other_wordings`).
    """
    found = [Located(q) for q in template.questions]
    heading_lines = {h.line: h for h in doc.headings}
    for loc in found:
        hit = match.prompts.get(loc.spec.number)
        if not hit:
            continue
        _at_prompt(doc, loc, hit[0], heading_lines, template)
    for loc in found:
        if loc.prompt is not None and loc.heading is None:
            _own_heading_above(doc, loc, found, template)
    numbered = doc.question_headings
    for k, loc in enumerate(found):
        if loc.start is not None:
            continue
        lo, hi = _between(found, k, len(doc.lines))
        for line, number in numbered:
            if number == loc.spec.number and lo < line < hi:
                loc.start, loc.heading = line, heading_lines[line].text
                break
        else:  # out of order (a group moved the question): only its one and only heading will do
            lines = [line for line, number in numbered if number == loc.spec.number]
            taken = {f.start for f in found}
            if len(lines) == 1 and lines[0] not in taken and not _inside_prompt(found, lines[0]):
                loc.start, loc.heading = lines[0], heading_lines[lines[0]].text
    for k, loc in enumerate(found):
        if loc.start is None and other_wordings and loc.spec.number in other_wordings:
            _by_other_wording(doc, found, k, other_wordings[loc.spec.number], heading_lines, template)
    by_start = {f.start: f for f in found if f.start is not None}
    starts = sorted(by_start)
    for k, loc in enumerate(found):
        if loc.start is None:
            continue
        loc.end = next((s for s in starts if s > loc.start), len(doc.lines))
        # the next question in the template's order, and in the document's (a group moved a question)
        after = [next((f for f in found[k + 1 :] if f.start is not None), None), by_start.get(loc.end)]
        for section in dict.fromkeys(f.spec.section for f in after if f is not None):
            if section != loc.spec.section:
                loc.end = _section_cut(doc, loc, section)
    for k in range(len(found)):
        _split_repeats(doc, found, k, heading_lines, template)
    return found


def between_sections(doc: Document, located: list[Located]) -> list[tuple[Located, str, str]]:
    """What the group wrote under a section's heading, past its intro, above the section's first question:
    it belongs to no answer. (the question below, the heading, the text) for each such place."""
    heading_lines = {h.line: h.text for h in doc.headings}
    placed = sorted(
        (f for f in located if f.start is not None and f.end is not None), key=lambda f: f.start or 0
    )
    out = []
    for above, below in pairwise(placed):
        cut, start = above.end, below.start
        if cut is None or start is None or cut >= start or cut not in heading_lines:
            continue
        paragraphs = _text_paragraphs(doc.lines[cut + 1 : start])
        kept = [p for p in paragraphs if not p[0].startswith(">") and not opens_section_intro(p[0])]
        if kept:
            out.append((below, heading_lines[cut], "\n\n".join("\n".join(p) for p in kept)))
    return out


_LISTISH = re.compile(r"^[ \t]{0,3}(?:[-*+]|\d{1,9}[.)]|\|)")  # a list item or table row (a checklist's line)


def above_first_question(doc: Document, first: int, checklist: bool, sections: frozenset[str]) -> str:
    """What the group wrote between the checklist (its last item; without one, the section heading above,
    one of `sections`) and the first question, line `first`: the template has only a section heading
    there. "" when nothing."""
    lines = doc.lines
    last: int | None
    if checklist:
        last = next(
            (i for i in range(first - 1, -1, -1) if _LISTISH.match(lines[i]) and not doc.code[i]), None
        )
    else:
        above = (h for h in reversed(doc.headings) if first - 8 < h.line < first)
        last = next((h.line for h in above if normalised_phrase(h.text) in sections), None)
    if last is None:
        return ""
    paragraphs = _text_paragraphs(lines[last + 1 : first], headings_part=True)
    below = lines[last + 1].strip() if last + 1 < first else ""
    if checklist and below and not below.startswith("#"):
        paragraphs = paragraphs[1:]  # runs on from the last item (a lazy line): part of that item
    kept = [
        p
        for p in paragraphs
        if not p[0].startswith(">") and not _RULE_LINE.match(p[0]) and not opens_section_intro(p[0])
    ]
    return "\n\n".join("\n".join(p) for p in kept)


def _text_paragraphs(lines: list[str], *, headings_part: bool = False) -> list[list[str]]:
    """The lines' paragraphs, each a list of its stripped lines: blank lines part them (and, with
    `headings_part`, heading lines, which belong to none)."""
    paragraphs: list[list[str]] = [[]]
    for line in lines:
        text = line.strip()
        if not text or (headings_part and text.startswith("#")):
            if paragraphs[-1]:
                paragraphs.append([])
        else:
            paragraphs[-1].append(text)
    return [p for p in paragraphs if p]


_RULE_LINE = re.compile(r"^([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_ADDED_HEADING = re.compile(r"^\W*question\W*\d+[a-z]{0,2}\b", re.I)  # `Question 3b`, `Question 32`


def _split_repeats(
    doc: Document, found: list[Located], k: int, heading_lines: dict[int, Heading], template: Template
) -> None:
    """Cut out of `found[k]`'s span the blocks that are not its answer: a second copy of it or of the next
    question (its prompt again: it joins that question's `copies`), and a question the group added (a
    `Question ...` heading over a quoted bold prompt of the group's: `added`)."""
    loc = found[k]
    if loc.start is None or loc.end is None:
        return
    nxt = found[k + 1] if k + 1 < len(found) and found[k + 1].start is not None else None
    own = {loc.spec.number: loc, **({nxt.spec.number: nxt} if nxt else {})}
    cuts: list[tuple[int, Located | str]] = []
    seen_own = loc.prompt is not None
    for cand in doc.prompt_candidates:
        if not loc.start < cand.start < loc.end or (
            loc.prompt is not None and cand.start <= loc.prompt.start
        ):
            continue
        copy = Located(loc.spec)
        _at_prompt(doc, copy, cand, heading_lines, template, floor=loc.start)
        target = next(
            (
                t
                for t in own.values()
                if similarity(prompt_words(t.spec.prompt), cand.words) >= MATCH_THRESHOLD
            ),
            None,
        )
        if target is loc and not seen_own:  # its prompt, not found at first (placed by its heading)
            seen_own = True
        elif target is not None:
            copy.spec = target.spec
            cuts.append((copy.start, copy))  # type: ignore[arg-type]
        elif cand.quoted and cand.bold_head and copy.heading and _ADDED_HEADING.match(copy.heading):
            cuts.append((copy.start, copy.heading))  # type: ignore[arg-type]
    if not cuts:
        return
    ends = [start for start, _ in cuts[1:]] + [loc.end]
    loc.end = cuts[0][0]
    for (start, what), end in zip(cuts, ends, strict=True):
        if isinstance(what, str):
            loc.added.append(Added(start, end, what))
        else:
            what.end = end
            own[what.spec.number].copies.append(what)


def _between(found: list[Located], k: int, size: int) -> tuple[int, int]:
    """The start lines of the nearest placed questions before and after `found[k]` (-1, `size` if none)."""
    lo = max((f.start for f in found[:k] if f.start is not None), default=-1)
    hi = min((f.start for f in found[k + 1 :] if f.start is not None), default=size)
    return lo, hi


def _at_prompt(
    doc: Document,
    loc: Located,
    prompt: Paragraph,
    heading_lines: dict[int, Heading],
    template: Template,
    floor: int = -1,
) -> None:
    """Place `loc` at `prompt`, or at the heading just above it (blank lines between; not a section's
    heading, and below line `floor`), also its `Question N` heading typed in the prompt's quote."""
    loc.prompt, loc.start = prompt, prompt.start
    j = prompt.start - 1
    while j > floor and not doc.lines[j].strip():
        j -= 1
    if j > floor and j in heading_lines and not _is_section(heading_lines[j].text, template):
        loc.start, loc.heading = j, heading_lines[j].text
    elif prompt.quoted:  # its `Question N` heading typed inside the quote (`> ### Question 3`)
        j = prompt.start - 1
        while j > floor and is_quoted(doc.lines[j]) and not strip_quote(doc.lines[j]).strip():
            j -= 1
        if j > floor and (q := quoted_question_heading(doc.lines[j])) and q[0] == loc.spec.number:
            loc.start, loc.heading = j, q[1]


def _own_heading_above(doc: Document, loc: Located, found: list[Located], template: Template) -> None:
    """Start `loc` at its own `Question N` heading when the group wrote text between it and the prompt.

    Looks up from the prompt, no further than the previous prompt, and stops at a section's heading, a
    level-1/2 heading or another question's heading.
    """
    assert loc.prompt is not None
    floor = max(
        (f.prompt.end for f in found if f.prompt is not None and f.prompt.end <= loc.prompt.start), default=0
    )
    numbers = dict(doc.question_headings)
    for h in reversed(doc.headings):
        if h.line >= loc.prompt.start:
            continue
        if h.line < floor or h.level <= 2 or _is_section(h.text, template):
            return
        if h.line in numbers:
            if numbers[h.line] == loc.spec.number:
                loc.start, loc.heading = h.line, h.text
            return


def _by_other_wording(
    doc: Document,
    found: list[Located],
    k: int,
    prompts: tuple[str, ...],
    heading_lines: dict[int, Heading],
    template: Template,
) -> None:
    """Place `found[k]` at the prompt-like paragraph between its neighbours most like one of `prompts`."""
    lo, hi = _between(found, k, len(doc.lines))
    used = {f.prompt.start for f in found if f.prompt is not None}
    words = [phrase_tokens(p)[:150] for p in prompts]
    best, best_sim = None, MATCH_THRESHOLD
    for cand in doc.prompt_candidates:
        if lo < cand.start < hi and cand.start not in used:
            sim = max(similarity(w, cand.words) for w in words)
            if sim >= best_sim:
                best, best_sim = cand, sim
    if best is not None:
        _at_prompt(doc, found[k], best, heading_lines, template, floor=lo)


def _inside_prompt(found: list[Located], line: int) -> bool:
    return any(f.prompt is not None and f.prompt.start <= line < f.prompt.end for f in found)


def all_answer_lines(doc: Document, loc: Located) -> list[str]:
    """`answer_lines` of the question and of its `copies`, in the document's order, a blank line between."""
    if not loc.copies:
        return answer_lines(doc, loc)
    out: list[str] = []
    for part in sorted([loc, *loc.copies], key=lambda p: p.start or 0):
        out += ([""] if out else []) + trim_blank_lines(answer_lines(doc, part))
    return out


def answer_lines(doc: Document, loc: Located) -> list[str]:
    """The raw lines of the answer inside a located question (template matter skipped)."""
    assert loc.start is not None and loc.end is not None
    begin = loc.start + (1 if loc.heading is not None else 0)
    lines = doc.lines
    block = _template_block(doc, loc, begin)
    if block is None:
        return lines[begin : loc.end]
    b_start, b_end = block
    before = trim_blank_lines(lines[begin:b_start])  # written between the heading and the prompt
    inner = [strip_quote(line) for line in lines[b_start:b_end]]
    marker = next((i for i, line in enumerate(inner) if ":" in line and _ANSWER.match(line)), None)
    after = lines[b_end : loc.end]
    if marker is not None:
        rest = _ANSWER.match(inner[marker]).group(1)  # type: ignore[union-attr]
        quoted = ([rest] if rest.strip() else []) + inner[marker + 1 :]
        if not is_quoted(lines[b_start]):  # an unquoted `Answer:` runs on into the lines below
            quoted, after = [], quoted + after
        elif any(line.strip() for line in quoted) or (quoted and _quoted_first(doc, b_end, after)):
            # the answer is typed in the prompt's quote (or the quote goes on below the label, empty, and
            # the answer's first text is quoted): so is a part of it quoted again after a code block or a
            # blank line, which reads the same way (its `>` markers are no words either)
            quoted_code = _quoted_fences(doc, b_end, after)
            after = [
                strip_quote(line) if is_quoted(line) and (quoted_code[i] or not doc.code[b_end + i]) else line
                for i, line in enumerate(after)
            ]
    elif (k := _unquoted_example(doc, inner, b_end, loc.end)) is not None:
        rest = _ANSWER.match(strip_quote(lines[k])).group(1)  # type: ignore[union-attr]
        quoted, after = [], ([rest] if rest.strip() else []) + lines[k + 1 : loc.end]
    else:
        quoted = _untemplated(inner, loc)
        first = next((i for i, line in enumerate(after) if line.strip()), None)
        if first is not None and (m := _ANSWER.match(after[first])):  # `Answer:` outside the quote
            after = ([m.group(1)] if m.group(1).strip() else []) + after[first + 1 :]
            if any(line.strip() for line in after):
                # the quote above the label is the template's, also worded as another version words it
                # (report.py, too, splits at `Answer:`)
                quoted = []
        elif (rest_of_quote := _template_quote_below(doc, b_end, loc.end)) is not None:
            q_start, k = rest_of_quote
            rest = _ANSWER.match(strip_quote(lines[k])).group(1)  # type: ignore[union-attr]
            own = trim_blank_lines(lines[b_end:q_start])
            after = own + ([""] if own else []) + ([rest] if rest.strip() else []) + lines[k + 1 : loc.end]
    # a line right below the quote, without `>`, that goes on with the quoted answer's last paragraph (a lazy
    # continuation line) stays in that paragraph, as on GitHub
    on_label = marker is not None and marker == len(inner) - 1 and not quoted and is_quoted(lines[b_start])
    lazy = (
        bool(after)
        and after[0] == lines[b_end]
        and _goes_on(quoted or (["Answer:"] if on_label else []), after[0])
    )
    if lazy:
        after = _rule_kept_apart(after)
    answer = _after_retyped_prompt(quoted + ([""] if quoted and after and not lazy else []) + after, loc)
    if before:
        rest = trim_blank_lines(answer)
        return before + ([""] if rest else []) + rest
    return answer


def own_lines_above_label(doc: Document, loc: Located) -> list[str]:
    """Lines the group typed inside the template's quote above its `Answer:` label that are none of the
    template's (not the prompt, the length hint, `Example:` or the example): they belong to no answer."""
    if loc.start is None or loc.end is None:
        return []
    block = _template_block(doc, loc, loc.start + (1 if loc.heading is not None else 0))
    if block is None or not is_quoted(doc.lines[block[0]]):
        return []
    inner = [strip_quote(line) for line in doc.lines[block[0] : block[1]]]
    marker = next((i for i, line in enumerate(inner) if ":" in line and _ANSWER.match(line)), None)
    if marker is None:
        return []
    prompt = set(phrase_tokens(loc.spec.prompt))
    own: list[str] = []
    example = False  # in the example's paragraph (from `Example:` to a blank line)
    plain: bool | None = (
        None  # whether the example is typed plain, not in the course's italics (None: unseen)
    )
    for line in inner[:marker]:
        text = line.strip()
        if not text:
            example = False
        elif _EXAMPLE.match(text):
            example, plain = True, None
        elif m := _EXAMPLE_INLINE.match(text):  # `Example: We used ...` on one line
            example, plain = True, not _example_like(m.group(1))
        elif example:  # typed plain, every line of the example is the template's; in italics, only those
            if plain is None:
                plain = not _example_like(text)
            if not plain and not _example_like(text) and _own_line(line, prompt):
                own.append(text)
        elif _own_line(line, prompt):
            own.append(text)
    return own


_URL = re.compile(r"https?://|\bwww\.", re.I)
_TEMPLATE_WORDS = frozenset({"example", "answer", "recommended", "length", "words"})


def _own_line(line: str, prompt: set[str]) -> bool:
    """Whether a line in the template's quote is the group's: no prompt line (bold, or the prompt's words),
    length hint, `Example:` or example line (italic, `...` gaps)."""
    text = line.strip()
    if len(text) <= 2 or _HINT.match(text) or _EXAMPLE.match(text) or _inline_example(text):
        return False
    if EXAMPLE_GAP.search(text) or text[0] in "*_" or text[-1] in "*_":
        return False
    words = [w for w in tokens(text) if len(w) > 1]  # (a letter typed astray: `Example:y`)
    if not words:
        return bool(_URL.search(text))
    return sum(w in prompt or w in _TEMPLATE_WORDS for w in words) / len(words) < 0.7


def _rule_kept_apart(lines: list[str]) -> list[str]:
    """`lines` open with lazy continuation lines of a quoted paragraph: a `---` right below them cannot
    underline them (they are the quote's), so it is a rule, as on GitHub; a blank line keeps it apart."""
    for k, line in enumerate(lines):
        if not line.strip():
            break
        if k and _DASH_LINE.match(line):
            return [*lines[:k], "", *lines[k:]]
        if k and starts_block(line.lstrip(" ")):
            break
    return lines


def _goes_on(quoted: list[str], line: str) -> bool:
    """Whether `line`, unquoted right below the quoted lines `quoted` (their `>` taken off), goes on with the
    paragraph they end in: they end in paragraph text (not in a fence, a heading, table, rule or HTML) and
    the line starts no block of its own."""
    if not quoted or not quoted[-1].strip() or not line.strip() or is_quoted(line):
        return False
    if code_mask(quoted, unclosed_to_end=True)[-1]:  # in (or closing) a code block
        return False
    last = _LIST_MARKER.sub("", quoted[-1], count=1)  # a list item's text goes on the same way
    if len(last) - len(last.lstrip(" ")) >= 4 or starts_block(last.lstrip(" ")):
        return False
    stripped = line.lstrip(" ")
    return len(line) - len(stripped) >= 4 or not starts_block(stripped)


def _quoted_first(doc: Document, start: int, lines: list[str]) -> bool:
    """Whether the first line of text among `lines` (from line `start` on) is quoted; code counts only when
    its fence is quoted (a `>` inside an unquoted code block is the code's own)."""
    quoted_code = _quoted_fences(doc, start, lines)
    first = next(
        (
            line
            for i, line in enumerate(lines)
            if line.strip() and (quoted_code[i] or not doc.code[start + i])
        ),
        None,
    )
    return first is not None and is_quoted(first)


def _quoted_fences(doc: Document, start: int, lines: list[str]) -> list[bool]:
    """For each of `lines` (from line `start` on), whether it belongs to a fenced code block opened by a
    quoted fence (`> ```bash`): such a block is the quote's, `>` markers and all."""
    out = [False] * len(lines)
    for first, last in doc.fences:
        if first <= start + len(lines) - 1 and last >= start and is_quoted(doc.lines[first]):
            for i in range(max(first, start), min(last, start + len(lines) - 1) + 1):
                out[i - start] = True
    return out


def _after_retyped_prompt(lines: list[str], loc: Located) -> list[str]:
    """The answer after an `Answer:` label a few lines down when the text above it is the question's
    prompt typed again (report.py, too, splits there); else the lines as they are."""
    k = next(
        (i for i, line in enumerate(lines[:_EXAMPLE_LINES]) if ":" in line and _ANSWER.match(line)), None
    )
    if not k or not any(line.strip() for line in lines[:k]):
        return lines
    if not _is_prompt(lines[:k], loc):
        return lines
    rest = _ANSWER.match(lines[k]).group(1)  # type: ignore[union-attr]
    return ([rest] if rest.strip() else []) + lines[k + 1 :]


def _is_prompt(lines: list[str], loc: Located) -> bool:
    """Whether the lines are the question's prompt, typed again (or in the template's quote)."""
    return similarity(phrase_tokens(loc.spec.prompt), tokens("\n".join(lines))) >= 0.5


def _unquoted_example(doc: Document, inner: list[str], b_end: int, end: int) -> int | None:
    """The line of the template's `> Answer:` when the student took the example out of the quote.

    The quote then ends at `Example:`, the example text follows unquoted, and a second quote holds
    `Answer:`. Those few lines (at most `_EXAMPLE_LINES`) are template matter, not the answer, when each
    looks like the course's examples (italic, `...` gaps, `sXXXXXX` study numbers); else nothing is cut.
    """
    last = next((line for line in reversed(inner) if line.strip()), "")
    if not _EXAMPLE.match(last):
        return None
    lines = doc.lines
    for k in range(b_end, min(end, b_end + _EXAMPLE_LINES + 1)):
        if doc.code[k]:
            return None
        if is_quoted(lines[k]):
            inside = strip_quote(lines[k])
            if ":" in inside and _ANSWER.match(inside):
                return k
            if not inside.strip() or _example_like(inside):  # (the example's end may be quoted again)
                continue
            return None
        if lines[k].strip() and not _example_like(lines[k]):
            return None
    return None


def _template_quote_below(doc: Document, b_end: int, end: int) -> tuple[int, int] | None:
    """(first line, `Answer:` line) of the rest of the template's quote (`Example:`, the example,
    `Answer:`) when a line or two of the group's split it off the prompt's quote; else None.

    Only when every line of that second quote is template matter, as report.py, which splits at
    `Answer:`, would drop it; the group's lines between are kept.
    """
    lines, own = doc.lines, 0
    for k in range(b_end, min(end, b_end + _EXAMPLE_LINES + 1)):
        if doc.code[k]:
            return None
        if is_quoted(lines[k]):
            break
        own += bool(lines[k].strip())
        if own > 2:
            return None
    else:
        return None
    q_start, example = k, False
    while k < end and is_quoted(lines[k]) and not doc.code[k]:
        inside = strip_quote(lines[k])
        if ":" in inside and _ANSWER.match(inside):
            return (q_start, k) if example else None
        if _EXAMPLE.match(inside):
            example = True
        elif inside.strip() and not (_example_like(inside) or _is_hint(inside)):
            return None
        k += 1
    return None


def _template_block(doc: Document, loc: Located, begin: int) -> tuple[int, int] | None:
    """Line span of the template's quote (prompt, hints, example, `Answer:`), across blank lines."""
    lines = doc.lines
    if loc.prompt is not None:
        start = loc.prompt.start
        if not loc.prompt.quoted:
            return start, _trim_end(lines, start, _unquoted_template_end(doc, loc.prompt.end, loc.end))  # type: ignore[arg-type]
    else:
        start = next((i for i in range(begin, loc.end) if lines[i].strip()), None)  # type: ignore[arg-type]
        if start is None or not is_quoted(lines[start]) or doc.code[start]:
            return None
    while start > begin and is_quoted(lines[start - 1]):
        start -= 1
    end = start
    checked, answered = start, False  # whether lines[start:checked] hold an `Answer:`
    while end < loc.end and not doc.code[end]:  # type: ignore[operator]
        if is_quoted(lines[end]):
            end += 1
            continue
        if not lines[end].strip():
            nxt = next((i for i in range(end, loc.end) if lines[i].strip()), None)  # type: ignore[arg-type]
            if nxt is not None and is_quoted(lines[nxt]):
                answered = answered or _has_answer(lines, checked, end)
                checked = end
                if not answered and (
                    _has_answer(lines, nxt, loc.end) or _template_like(strip_quote(lines[nxt]))
                ):  # type: ignore[arg-type]
                    end = nxt
                    continue
                # no `Answer:` below and no template text: a quote of the group's own (its label deleted)
        break
    return start, end


def _template_like(line: str) -> bool:
    """Whether a quote's first line is the template's: its bold prompt, length hint, `Example:` or example."""
    text = line.strip()
    return bool(
        _HINT.match(text) or _EXAMPLE.match(text) or _EXAMPLE_INLINE.match(text) or _example_like(text)
    ) or text.startswith(("**", "__"))


def _unquoted_template_end(doc: Document, prompt_end: int, stop: int) -> int:
    """Where the template's matter below an unquoted prompt ends: after its length hint, and after its
    example and `Answer:` label when those follow as in the template (the `>` markers deleted).

    Like report.py, which splits at `Answer:`; the example (below `Example:` or on its line) is passed
    over, with or without the label below it, only when every line of it looks like the course's examples
    (italic, `...` gaps), else the text below the hint is the answer.
    """
    lines = doc.lines
    end = prompt_end
    while end < stop and (not lines[end].strip() or _is_hint(lines[end]) or _inline_example(lines[end])):
        end += 1
    example = any(_EXAMPLE.match(line) or _inline_example(line) for line in lines[prompt_end:end])
    past_example = None  # the line after the example's last line
    for k in range(end, min(stop, end + 2 * _EXAMPLE_LINES + 1)):
        line = lines[k]
        if doc.code[k]:
            break
        if not line.strip():
            continue
        if ":" in line and _ANSWER.match(line):
            return k + 1
        if not (example and _example_like(line)):
            break
        past_example = k + 1
    return past_example or end


def _example_like(line: str) -> bool:
    return bool(EXAMPLE_GAP.search(line) or _ITALIC_LINE.match(line))


def _inline_example(line: str) -> bool:
    """`Example: *We used ... in our project*` on one line (as exported from Word), the example
    looking like the course's."""
    m = _EXAMPLE_INLINE.match(line)
    return bool(m and _example_like(m.group(1)))


def _has_answer(lines: list[str], start: int, end: int) -> bool:
    return any(":" in line and _ANSWER.match(strip_quote(line)) for line in lines[start:end])


def _trim_end(lines: list[str], start: int, end: int) -> int:
    while end > start and not lines[end - 1].strip():
        end -= 1
    return end


def _is_hint(line: str) -> bool:
    return bool(_HINT.match(line) or _EXAMPLE.match(line))


def _untemplated(inner: list[str], loc: Located) -> list[str]:
    """Quoted paragraphs that are not the prompt, a length hint or the example: an answer without `Answer:`."""
    paragraphs: list[list[str]] = [[]]
    for line in inner:
        if line.strip():
            paragraphs[-1].append(line)
        elif paragraphs[-1]:
            paragraphs.append([])
    kept: list[str] = []
    after_example = False
    for para in paragraphs:
        if not para:
            continue
        first = para[0]
        if _HINT.match(first):
            continue
        if _EXAMPLE.match(first) or _inline_example(first):
            after_example = True
            para = para[1:]
            if not para:
                continue
        if after_example and all(_ITALIC_LINE.match(line) for line in para):
            continue
        if _is_prompt(para, loc):
            continue
        after_example = False
        kept += [*para, ""]
    return kept[:-1] if kept else kept


def _is_section(text: str, template: Template) -> bool:
    return normalise(text) in section_names(template)


_SECTIONS: dict[int, tuple[Template, frozenset[str]]] = {}  # id(template) -> (template, its sections)


def section_names(template: Template) -> frozenset[str]:
    """The template's normalised section names (remembered per template object)."""
    hit = _SECTIONS.get(id(template))
    if hit is None or hit[0] is not template:
        if len(_SECTIONS) >= 64:
            _SECTIONS.clear()
        names = frozenset(normalised_phrase(q.section) for q in template.questions)
        hit = _SECTIONS[id(template)] = (template, names)
    return hit[1]


def _section_cut(doc: Document, loc: Located, section: str) -> int:
    """End a question at the heading of the next question's section, when that heading is there."""
    target = phrase_tokens(section)
    assert loc.start is not None and loc.end is not None
    for h in reversed(doc.headings):
        if loc.start < h.line < loc.end and similarity(tokens(h.text), target) >= 0.8:
            return h.line
    return loc.end
