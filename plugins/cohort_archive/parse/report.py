"""`parse_report`: a report's bytes to a `Report` (pure: no I/O, no figures; those come later)."""

from __future__ import annotations

import re

from cohort_archive.model import Answer, Problem, QuestionSpec, Report, counted
from cohort_archive.parse.answer import clean, count_images, count_words, demote_headings
from cohort_archive.parse.checklist import parse_checklist
from cohort_archive.parse.decode import decode, split_front_matter
from cohort_archive.parse.group_info import group_number_text, study_number_notes, study_numbers
from cohort_archive.parse.questions import (
    EXAMPLE_GAP,
    Located,
    above_first_question,
    all_answer_lines,
    between_sections,
    locate,
    own_lines_above_label,
    section_names,
)
from cohort_archive.registry.detect import Hint, detect
from cohort_archive.registry.document import Document, code_mask, without_comments
from cohort_archive.registry.load import Registry

_IMG_TAG = re.compile(r"<img\b", re.I)
_PLAIN_HEADING = re.compile(r"^\W*question\W*(\d+)\W*$", re.I)


def parse_report(
    data: bytes, registry: Registry, *, path: str = "reports/README.md", hint: Hint = None
) -> Report:
    """Parse one `reports/README.md` against the registry.

    `hint` (the date the report was first committed, or the cohort id; or a function giving it, called
    only when needed) only settles template versions with identical questions (2023/2024); see
    `registry.detect`. A report matching no version becomes a free-form report (`template=None`, the
    whole text in `free_form_markdown`), never dropped.
    """
    text, problems = decode(data, path)
    front_matter, text, fm_problems = split_front_matter(text, path)
    problems += fm_problems
    text, comments = without_comments(text)
    if comments:
        message = f"{comments} HTML comment(s) hidden, as GitHub does; their words are not counted"
        problems.append(Problem(path, message, severity="info"))
    if not text.strip():  # nothing to match: say so instead of "follows no known template"
        if not any(p.severity == "error" for p in problems):  # (a binary file already says what it is)
            problems.append(Problem(path, "the report is empty", severity="error"))
        return Report(template=None, problems=problems, free_form_markdown="", front_matter=front_matter)
    doc = Document.from_text(text)
    title = next((h.text for h in doc.headings if h.level == 1), "")
    detection = detect(doc, registry, hint)
    problems += [Problem(path, f"template: {p.message}", severity=p.severity) for p in detection.problems]
    match = detection.match
    if match is None:
        return Report(
            template=None,
            problems=problems,
            free_form_markdown=text,
            front_matter=front_matter,
            title=title,
        )
    template = match.template
    located = locate(doc, template, match, registry.other_wordings(template.id))
    fillers = registry.fillers_of(template.id)
    sections = section_names(template)
    answers = [_answer(doc, loc, fillers.get(loc.spec.number, ()), sections) for loc in located]
    for below, heading, stray in between_sections(doc, located):
        message = (
            f"text under the heading {heading!r}, above question {below.spec.number}, is part of no answer and"
            f" not shown here {_excerpt(stray)}"
        )
        problems.append(Problem(f"Q{below.spec.number}", message))
    first = min((loc.start for loc in located if loc.start is not None), default=len(doc.lines))
    checklist, present = parse_checklist(doc, first, template.checklist)
    if stray := above_first_question(doc, first, present, sections):
        where = "the checklist" if present else "the heading"
        message = (
            f"text between {where} and question 1 is part of no answer and not shown here {_excerpt(stray)}"
        )
        problems.append(Problem("Q1", message))
    q1, q2 = (next((a for a in answers if a.number == n), None) for n in (1, 2))
    group_text = group_number_text(q1.markdown) if q1 and q1.answered else ""
    students = study_numbers(q2.markdown) if q2 else []
    if q2:
        notes = study_number_notes(q2.markdown, students)
        q2.problems += [Problem(f"Q{q2.number}", n, severity="info") for n in notes]
    return Report(
        template=template.id,
        answers=answers,
        checklist=checklist,
        checklist_present=present,
        group_number_text=group_text,
        students=students,
        problems=problems,
        front_matter=front_matter,
        title=title,
    )


def _excerpt(text: str) -> str:
    """`(N words): 'the first twelve …'`, for a problem naming text the site does not show."""
    words = text.split()
    return f"({counted(len(words), 'word')}): {' '.join(words[:12]) + (' …' if len(words) > 12 else '')!r}"


_ITALIC_END = re.compile(r"[*_][\s.]*$")
_LINKS = re.compile(r"!\[|<img|://|\bwww\.", re.I)


def _only_a_name(text: str, spec: QuestionSpec) -> bool:
    """Whether the text left beside a placeholder is a word or three (who is to write the answer, a note)
    where the question asks for a written answer (at least 50 words at the most) or a figure. A link (an
    image, an address) is an answer, however short."""
    most = spec.limits.max_words or spec.limits.min_words or 0
    wants = most >= 50 or bool(spec.limits.min_images)  # prose, or a figure
    return wants and len(text.split()) <= 3 and not _LINKS.search(text)


def _example_left(text: str) -> bool:
    """Whether the text is what is left of the template's example (its `...` gaps on every line, its
    italics closing it): a group that moved `Answer:` up into the example and wrote nothing yet."""
    lines = [line for line in text.split("\n") if line.strip()]
    return bool(lines) and all(EXAMPLE_GAP.search(line) for line in lines) and bool(_ITALIC_END.search(text))


def _img_tags(text: str) -> int:
    """How many `<img>` tags the text has outside fenced code."""
    lines = text.split("\n")
    return sum(
        len(_IMG_TAG.findall(line)) for line, code in zip(lines, code_mask(lines), strict=True) if not code
    )


def _answer(doc: Document, loc: Located, fillers: tuple[str, ...], sections: frozenset[str]) -> Answer:
    spec = loc.spec
    where = f"Q{spec.number}"
    if loc.start is None:
        problem = Problem(where, "question not found (heading and prompt both missing)")
        return Answer(spec.number, spec.id, "", False, 0, 0, _within(spec, False, 0, 0), [problem])
    problems = []
    if loc.heading is not None:
        m = _PLAIN_HEADING.match(loc.heading.replace("*", ""))
        if not m:
            problems.append(Problem(where, f"heading edited: {loc.heading!r}", severity="info"))
        elif int(m.group(1)) != spec.number:
            problems.append(Problem(where, f"heading says {loc.heading!r}", severity="info"))
    elif loc.prompt is not None:
        problems.append(Problem(where, "question heading missing; found by its prompt", severity="info"))
    if loc.copies:
        message = f"Question {spec.number} is written {len(loc.copies) + 1} times; its answers are joined"
        problems.append(Problem(where, message))
    if own := own_lines_above_label(doc, loc):
        message = (
            "text typed inside the question's quote, above `Answer:`, is none of the template's: it is part of"
            f" no answer and not shown here {_excerpt(' '.join(own))}"
        )
        problems.append(Problem(where, message))
    text, placeholder_left = clean(all_answer_lines(doc, loc), fillers, sections)
    if placeholder_left and _only_a_name(text, spec):
        message = f"only {' '.join(text.split())!r} beside the template placeholder: taken as unanswered"
        problems.append(Problem(where, message, severity="info"))
        text, placeholder_left = "", False
    if placeholder_left and _example_left(text):
        message = "only the template's example text beside the template placeholder: taken as unanswered"
        problems.append(Problem(where, message, severity="info"))
        text, placeholder_left = "", False
    answered = bool(text.strip())
    if placeholder_left:
        problems.append(Problem(where, "template placeholder left beside the answer", severity="info"))
    if not answered:
        problems.append(Problem(where, "unanswered", severity="info"))
    words, images = count_words(text), count_images(text)
    wanted = spec.limits.min_images or 0
    if images < wanted and "<" in text and (tags := _img_tags(text)):
        message = (
            f"{counted(tags, 'figure')} shown with <img>, which the course's report.py does not count "
            f"(it counts ![..](..) images): {images} of at least {wanted} counted"
        )
        problems.append(Problem(where, message, severity="info"))
    shown = text
    for added in loc.added:  # shown below the answer, not counted
        message = f"the group added a question ({added.heading!r}) here; shown below the answer, not counted"
        problems.append(Problem(where, message))
        shown += "\n\n" + "\n".join(doc.lines[added.start : added.end]).strip()
    return Answer(
        number=spec.number,
        question=spec.id,
        markdown=demote_headings(shown),
        answered=answered,
        words=words,
        images=images,
        within_limits=_within(spec, answered, words, images),
        problems=problems,
    )


def _within(spec: QuestionSpec, answered: bool, words: int, images: int) -> bool | None:
    """Within the question's limits (None: it has none). An unanswered question never is, even when
    its limits start at 0 words: pages and export count it as not within."""
    within = spec.limits.check(words, images)
    return within if answered or within is None else False
