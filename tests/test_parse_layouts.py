"""The report parser on invented reports whose layout strays from the template: answers above the prompt,
deleted headings or quote markers, duplicated, moved or added questions."""

from __future__ import annotations

import re

import pytest
from fixtures.parse.factory import invented_answer, render

from cohort_archive.model import Report
from cohort_archive.parse import parse_report
from cohort_archive.registry import Registry, load_registry

# one version of each template shape: 27 questions (2023/2024) and 31 questions (2025/2026)
SHAPES = ["2023-january", "2026-january"]
VERSIONS = ["2023-january", "2024-january", "2025-january", "2026-january"]
GROUP = "Group 7"
STUDENTS = "s123456, s234567, s345678"


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry()


def filled(registry: Registry, version: str) -> str:
    return render(registry.template(version), {1: GROUP, 2: STUDENTS})


def parse(registry: Registry, text: str, **kw) -> Report:
    return parse_report(text.encode("utf-8"), registry, **kw)


def answer_of(registry: Registry, version: str, number: int) -> str:
    if number == 1:
        return GROUP
    if number == 2:
        return STUDENTS
    return invented_answer(registry.template(version).question(number))  # type: ignore[arg-type]


def markdown(report: Report, number: int) -> str:
    a = report.answer(number)
    assert a is not None
    return a.markdown


def first_of_section(registry: Registry, version: str) -> int:
    """The number of the first question of the template's second section."""
    questions = registry.template(version).questions
    return next(q.number for q in questions if q.section != questions[0].section)


# --- 1. an answer written between the question's heading and its prompt -------------------------------


def answer_above_prompt(text: str, number: int, answer: str) -> str:
    """Move the answer of question `number` from below `Answer:` to right under its heading."""
    text = text.replace(f"> Answer:\n\n{answer}\n", "> Answer:\n\n", 1)
    heading = f"### Question {number}\n\n"
    return text.replace(heading, f"{heading}{answer}\n\n", 1)


@pytest.mark.parametrize("version", SHAPES)
@pytest.mark.parametrize("where", ["middle", "section-start", "first"])
def test_answer_above_the_prompt_belongs_to_its_question(
    registry: Registry, version: str, where: str
) -> None:
    number = {"middle": 5, "section-start": first_of_section(registry, version), "first": 1}[where]
    clean = parse(registry, filled(registry, version))
    ans = answer_of(registry, version, number)
    report = parse(registry, answer_above_prompt(filled(registry, version), number, ans))
    a = report.answer(number)
    assert a and a.answered and a.markdown == ans and a.words == len(ans.split())
    assert not [p for p in a.problems if "heading" in p.message]
    for other in report.answers:  # the previous answer does not grow; nothing else moves
        if other.number != number:
            assert (other.markdown, other.words) == (
                markdown(clean, other.number),
                clean.answer(other.number).words,
            )  # type: ignore[union-attr]


@pytest.mark.parametrize("version", SHAPES)
def test_every_answer_above_its_prompt(registry: Registry, version: str) -> None:
    text = filled(registry, version)
    for q in registry.template(version).questions:
        text = answer_above_prompt(text, q.number, answer_of(registry, version, q.number))
    report = parse(registry, text)
    assert [a.markdown for a in report.answers] == [
        answer_of(registry, version, q.number) for q in registry.template(version).questions
    ]
    assert report.students == ["s123456", "s234567", "s345678"]


@pytest.mark.parametrize("version", SHAPES)
def test_text_above_the_prompt_and_below_answer_are_both_kept(registry: Registry, version: str) -> None:
    ans = answer_of(registry, version, 6)
    text = filled(registry, version).replace(
        "### Question 6\n\n", "### Question 6\n\nA first note above.\n\n", 1
    )
    a = parse(registry, text).answer(6)
    assert a and a.markdown == f"A first note above.\n\n{ans}"
    assert a.words == len(ans.split()) + 4


def test_a_heading_missing_is_still_not_taken_from_the_previous_question(registry: Registry) -> None:
    text = filled(registry, "2026-january").replace("### Question 5\n", "", 1)
    report = parse(registry, text)
    assert markdown(report, 4) == answer_of(registry, "2026-january", 4)
    assert markdown(report, 5) == answer_of(registry, "2026-january", 5)
    assert any("heading missing" in p.message for p in report.answer(5).problems)  # type: ignore[union-attr]


# --- 2. a section heading deleted, its intro quote left ------------------------------------------------

ONE_LINE_INTRO = "> In the following section we would like to know more about this part.\n"


@pytest.mark.parametrize("version", SHAPES)
@pytest.mark.parametrize(
    "intro",
    [
        ONE_LINE_INTRO,
        "> In the following section we would like to know more about this part, how you\n> went about it.\n",
        "> In the following section we ask about this part.\n>\n> A second paragraph of the intro.\n",
    ],
    ids=["one-line", "two-lines", "two-paragraphs"],
)
def test_intro_of_a_deleted_section_heading_stays_out(registry: Registry, version: str, intro: str) -> None:
    text = filled(registry, version).replace(ONE_LINE_INTRO, intro)
    for section in {q.section for q in registry.template(version).questions}:
        text = text.replace(f"## {section}\n", "")
    report = parse(registry, text)
    assert [a.markdown for a in report.answers] == [
        answer_of(registry, version, q.number) for q in registry.template(version).questions
    ]


@pytest.mark.parametrize("version", SHAPES)
def test_text_under_a_section_intro_is_named_in_a_problem(registry: Registry, version: str) -> None:
    """A paragraph the group wrote below a section's intro, above its first question, belongs to no answer:
    the answers stay as they are, and a problem names the place and quotes its first words."""
    note = "Every member kept a branch of their own and merged through reviewed pull requests."
    text = filled(registry, version)
    report = parse(registry, text)
    assert not any("part of no answer" in p.message for p in report.problems)
    text = text.replace(ONE_LINE_INTRO, f"{ONE_LINE_INTRO}\n{note}\n", 1)
    report = parse(registry, text)
    assert [a.markdown for a in report.answers] == [
        answer_of(registry, version, q.number) for q in registry.template(version).questions
    ]
    (problem,) = [p for p in report.problems if "part of no answer" in p.message]
    first = next(q for q in registry.template(version).questions if q.section != "Group information")
    assert problem.message.startswith(
        f"text under the heading '{first.section}', above question {first.number}"
    )
    assert (
        problem.where == f"Q{first.number}" and "(14 words): 'Every member kept a branch" in problem.message
    )


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(
    ("own", "named"),
    [
        (">https://app.example.org/demo", "(1 word): 'https://app.example.org/demo'"),
        ("> We ran out of time here, sadly.", "(7 words): 'We ran out of time here, sadly.'"),
    ],
    ids=["link", "sentence"],
)
def test_text_typed_in_the_prompts_quote_above_the_label_is_named_in_a_problem(
    registry: Registry, version: str, own: str, named: str
) -> None:
    """A line of the group's own inside the template's quote, above `> Answer:`, is no template text and
    no answer: the answers stay as they are, and a problem on the question quotes it."""
    text = filled(registry, version)
    assert not any(
        "inside the question's quote" in p.message for a in parse(registry, text).answers for p in a.problems
    )
    label = "> Answer:\n"
    at = text.index(label, text.index("### Question 5"))
    report = parse(registry, text[:at] + f"{own}\n>\n" + text[at:])
    assert [a.markdown for a in report.answers] == [
        answer_of(registry, version, q.number) for q in registry.template(version).questions
    ]
    notes = [
        (a.number, p.message) for a in report.answers for p in a.problems if "question's quote" in p.message
    ]
    assert len(notes) == 1 and notes[0][0] == 5 and notes[0][1].endswith(named)


@pytest.mark.parametrize(
    "edit",
    [
        ("> Example:\n", "> Example:y\n"),  # a letter typed astray
        ("> Example:\n", "> **Example:**\n"),
        ("> Recommended answer length", "> Answer length"),
    ],
    ids=["typo", "bold-example", "hint-reworded"],
)
def test_the_templates_own_lines_edited_are_not_named_as_the_groups(
    registry: Registry, edit: tuple[str, str]
) -> None:
    text = filled(registry, "2025-january").replace(*edit)
    assert not any("question's quote" in p.message for a in parse(registry, text).answers for p in a.problems)


def test_a_line_of_the_groups_right_below_the_italic_example_is_named(registry: Registry) -> None:
    text = filled(registry, "2025-january")
    example = text.index("> *", text.index("### Question 5"))
    line_end = text.index("\n", example) + 1
    report = parse(registry, text[:line_end] + ">https://app.example.org/demo\n" + text[line_end:])
    notes = [p.message for p in report.answer(5).problems if "question's quote" in p.message]  # type: ignore[union-attr]
    assert len(notes) == 1 and notes[0].endswith("'https://app.example.org/demo'")


@pytest.mark.parametrize(
    "example",
    [
        "> Example: We used a plain argparser with flags such as --lr and --batch_size 25\n",
        "> Example:\n> We used a plain argparser with flags such as --lr.\n> Each run takes its own seed.\n",
    ],
    ids=["inline", "below"],
)
def test_the_example_typed_without_its_italics_is_not_named_as_the_groups(
    registry: Registry, example: str
) -> None:
    text = filled(registry, "2025-january")
    start = text.index("> Example:", text.index("### Question 12"))
    end = text.index("> Answer:", start)
    report = parse(registry, text[:start] + example + ">\n" + text[end:])
    assert not any("question's quote" in p.message for a in report.answers for p in a.problems)


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("where", ["after-checklist", "under-heading", "no-checklist"])
def test_text_between_the_checklist_and_question_1_is_named_in_a_problem(
    registry: Registry, version: str, where: str
) -> None:
    """The template has only the `## Group information` heading between its checklist and question 1:
    a paragraph of the group's there belongs to no answer, and a problem on the report names it."""
    note = "Here is our report, written together over the last week."
    text = filled(registry, version)
    if where == "no-checklist":
        text = re.sub(r"(?m)^\* \[[ x]\] .*\n", "", text)
    assert not any("question 1 is part of no answer" in p.message for p in parse(registry, text).problems)
    heading = "## Group information\n"
    if where == "after-checklist":
        text = text.replace(heading, f"{note}\n\n{heading}", 1)
    else:
        text = text.replace(heading, f"{heading}\n{note}\n", 1)
    report = parse(registry, text)
    assert [a.markdown for a in report.answers] == [
        answer_of(registry, version, q.number) for q in registry.template(version).questions
    ]
    (problem,) = [p for p in report.problems if "question 1 is part of no answer" in p.message]
    assert problem.where == "Q1" and problem.message.endswith(f"(10 words): {note!r}")


def test_without_checklist_only_text_under_the_first_questions_section_heading_is_named(
    registry: Registry,
) -> None:
    """With the checklist's items deleted, the heading above question 1 decides: the template's checklist
    intro under its own heading is no text of the group's."""
    text = re.sub(r"(?m)^\* \[[ x]\] .*\n", "", filled(registry, "2025-january"))
    text = text.replace("## Group information\n", "", 1)
    assert not any("question 1 is part of no answer" in p.message for p in parse(registry, text).problems)


def test_text_under_a_heading_typed_right_below_the_last_checklist_item_is_named(registry: Registry) -> None:
    text = filled(registry, "2025-january").replace(
        "\n\n## Group information\n", "\n## Group information\nOur own words.\n", 1
    )
    (problem,) = [p for p in parse(registry, text).problems if "question 1 is part of no answer" in p.message]
    assert problem.message.endswith("(3 words): 'Our own words.'")


def test_a_note_right_below_the_last_checklist_item_is_part_of_it(registry: Registry) -> None:
    text = filled(registry, "2025-january")
    last = text.index("\n", text.index("Uploaded all your code to GitHub"))
    report = parse(registry, text[:last] + "\nwith the data kept out of git" + text[last:])
    assert not any("question 1 is part of no answer" in p.message for p in report.problems)


def _without_label(text: str, number: int) -> str:
    """The report with question `number`'s `>` / `> Answer:` lines and placeholder deleted."""
    head = text.index(f"### Question {number}\n")
    label = text.index(">\n> Answer:\n", head)
    rest = text.index("\n\n", label + len(">\n> Answer:\n") + 1)
    return text[:label] + text[rest + 2 :]


def test_a_quote_of_the_groups_own_below_the_prompt_stays_one_with_the_label_deleted(
    registry: Registry,
) -> None:
    """With `Answer:` deleted, a quote the group wrote below the template's (a blank line between) is its
    own, as on GitHub: shown as a quote, its `>` counted, as with the label kept."""
    own = "> We kept the src folder.\n>\n> We added an api folder."
    text = _without_label(filled(registry, "2026-january"), 5)
    head = text.index("### Question 6\n")
    a = parse(registry, text[:head] + f"\n{own}\n\n" + text[head:]).answer(5)
    assert a and a.markdown == own and a.words == 13


def test_the_prompts_hint_after_a_blank_line_is_still_the_templates_with_the_label_deleted(
    registry: Registry,
) -> None:
    text = _without_label(filled(registry, "2026-january"), 5)
    head = text.index("### Question 5\n")
    hint = text.index(">\n> Recommended answer length", head)
    text = text[:hint] + "\n" + text[hint + 2 :]  # the quote's empty line typed as a blank one
    nxt = text.index("### Question 6\n")
    a = parse(registry, text[:nxt] + "\nWe kept the src folder.\n\n" + text[nxt:]).answer(5)
    assert a and a.markdown == "We kept the src folder."


def test_a_quote_ending_an_answer_is_kept(registry: Registry) -> None:
    ans = (
        answer_of(registry, "2026-january", 7) + "\n\n> As the saying goes, in the end it worked.\n> Mostly."
    )
    text = filled(registry, "2026-january").replace(answer_of(registry, "2026-january", 7), ans)
    assert markdown(parse(registry, text), 7) == ans


def test_an_empty_quote_line_closing_an_answer_is_dropped(registry: Registry) -> None:
    ans = answer_of(registry, "2026-january", 7) + "\n\n> As the saying goes, in the end it worked."
    text = filled(registry, "2026-january").replace(answer_of(registry, "2026-january", 7), ans + "\n> ")
    a = parse(registry, text).answer(7)
    assert a and a.markdown == ans and a.words == len(ans.split())


# --- 3. the `>` quote markers deleted from the template ------------------------------------------------


def unquoted(text: str) -> str:
    return re.sub(r"^> ?", "", text, flags=re.M)


@pytest.mark.parametrize("version", SHAPES)
def test_template_text_without_quote_markers_is_no_answer(registry: Registry, version: str) -> None:
    report = parse(registry, unquoted(filled(registry, version)))
    assert report.template == version
    questions = registry.template(version).questions
    assert [a.markdown for a in report.answers] == [answer_of(registry, version, q.number) for q in questions]
    assert [a.words for a in report.answers] == [
        len(answer_of(registry, version, q.number).split()) for q in questions
    ]


@pytest.mark.parametrize("version", SHAPES)
def test_unquoted_answer_on_the_label_line(registry: Registry, version: str) -> None:
    ans = answer_of(registry, version, 5)
    text = unquoted(filled(registry, version)).replace(f"Answer:\n\n{ans}", f"Answer: {ans}", 1)
    assert markdown(parse(registry, text), 5) == ans


def test_example_taken_out_of_the_quote_in_parts_is_no_answer(registry: Registry) -> None:
    """`> Example:`, the example unquoted, its last line quoted again, then `> Answer:`."""
    ans = answer_of(registry, "2026-january", 6)
    text = filled(registry, "2026-january")
    example = "> *An example answer for question 6 ... and ... .*\n"
    assert example in text
    text = text.replace(example, "\n\n*An example answer for question 6 ... and*\n> *... .*\n\n", 1)
    assert markdown(parse(registry, text), 6) == ans


@pytest.mark.parametrize("version", SHAPES)
def test_prompt_typed_again_above_the_answer_label(registry: Registry, version: str) -> None:
    """The question typed again below the template's quote, then `Answer: ...`: only the answer."""
    ans = answer_of(registry, version, 5)
    prompt = registry.template(version).question(5).prompt  # type: ignore[union-attr]
    text = filled(registry, version).replace(f"{ans}\n", f"{prompt}\n\nAnswer: {ans}\n", 1)
    a = parse(registry, text).answer(5)
    assert a and a.markdown == ans and a.words == len(ans.split())
    # an answer that only mentions the word stays whole
    own = f"Our setup.\nAnswer: it works.\n\n{ans}"
    assert markdown(parse(registry, filled(registry, version).replace(f"{ans}\n", own + "\n", 1)), 5) == own


def test_unquoted_prompt_then_own_italic_text_is_kept(registry: Registry) -> None:
    """Without the template's `Example:` label, italic text below an unquoted prompt is the group's."""
    text = unquoted(filled(registry, "2026-january"))
    ans = answer_of(registry, "2026-january", 6)
    example = "*An example answer for question 6 ... and ... .*"
    own = "*Our answer, in italics.*"
    text = text.replace(f"Example:\n{example}\n\nAnswer:\n\n{ans}", f"{own}\n\n{ans}", 1)
    assert markdown(parse(registry, text), 6) == f"{own}\n\n{ans}"


# --- 4. a question written twice -----------------------------------------------------------------------


def block(text: str, number: int) -> re.Match[str]:
    """Question `number`'s block: its heading up to the next heading of level 2 or 3."""
    m = re.search(rf"^### Question {number}\n.*?(?=^###? )", text, re.S | re.M)
    assert m is not None
    return m


@pytest.mark.parametrize("version", SHAPES)
def test_question_written_twice_joins_the_answers_without_template_text(
    registry: Registry, version: str
) -> None:
    text = filled(registry, version)
    ans = answer_of(registry, version, 5)
    m = block(text, 5)
    second = "Our second go at this question, written in another block."
    text = text[: m.end()] + m.group(0).replace(ans, second) + text[m.end() :]
    report = parse(registry, text)
    a = report.answer(5)
    assert a and a.markdown == f"{ans}\n\n{second}"
    assert a.words == len(ans.split()) + len(second.split())
    assert [(p.where, p.severity) for p in a.problems if "Question 5" in p.message] == [("Q5", "warning")]
    assert markdown(report, 4) == answer_of(registry, version, 4)
    assert markdown(report, 6) == answer_of(registry, version, 6)


@pytest.mark.parametrize("version", SHAPES)
def test_question_written_twice_first_copy_unfilled(registry: Registry, version: str) -> None:
    text = filled(registry, version)
    ans = answer_of(registry, version, 7)
    m = block(text, 7)
    text = text[: m.start()] + m.group(0).replace(ans, "--- question 7 fill here ---") + text[m.start() :]
    report = parse(registry, text)
    a = report.answer(7)
    assert a and a.markdown == ans and a.words == len(ans.split())
    assert any("Question 7" in p.message and p.severity == "warning" for p in a.problems)
    assert markdown(report, 6) == answer_of(registry, version, 6)


# --- 5. questions moved or added -----------------------------------------------------------------------


def last_two_of_a_section(registry: Registry, version: str) -> tuple[int, int]:
    """The last two questions of the second section (the next section follows them)."""
    questions = registry.template(version).questions
    section = registry.template(version).question(first_of_section(registry, version)).section  # type: ignore[union-attr]
    numbers = [q.number for q in questions if q.section == section]
    return numbers[-2], numbers[-1]


@pytest.mark.parametrize("version", SHAPES)
def test_questions_out_of_order_end_at_the_next_section(registry: Registry, version: str) -> None:
    a, b = last_two_of_a_section(registry, version)
    text = filled(registry, version)
    ma, mb = block(text, a), block(text, b)
    text = text[: ma.start()] + mb.group(0) + ma.group(0) + text[mb.end() :]
    report = parse(registry, text)
    questions = registry.template(version).questions
    assert [x.markdown for x in report.answers] == [answer_of(registry, version, q.number) for q in questions]


@pytest.mark.parametrize("version", SHAPES)
@pytest.mark.parametrize("heading", ["Question 3b", "Question 3.1", "Question 99"])
def test_added_question_is_flagged_and_not_counted(registry: Registry, version: str, heading: str) -> None:
    text = filled(registry, version)
    added = (
        f"### {heading}\n\n> **Anything else about your tools?**\n>\n> Answer:\n\nOur extra words here.\n\n"
    )
    section = registry.template(version).question(first_of_section(registry, version)).section  # type: ignore[union-attr]
    text = text.replace(f"## {section}\n", added + f"## {section}\n", 1)
    report = parse(registry, text)
    a = report.answer(3)
    ans = answer_of(registry, version, 3)
    assert a and a.words == len(ans.split()) and a.markdown.startswith(ans + "\n\n")
    assert "Our extra words here." in a.markdown
    assert [p.severity for p in a.problems if heading in p.message] == ["warning"]
    assert markdown(report, 4) == answer_of(registry, version, 4)


def test_question_like_heading_inside_an_answer_is_still_the_answer(registry: Registry) -> None:
    ans = "Our answer.\n\n### Question 5b\n\nMore of our answer, no prompt above it."
    text = filled(registry, "2026-january").replace(answer_of(registry, "2026-january", 5), ans, 1)
    a = parse(registry, text).answer(5)
    assert a and a.words == len(ans.split()) and not [p for p in a.problems if p.severity == "warning"]


# --- 6. every prompt deleted, the `Question N` headings kept -------------------------------------------


def without_quotes(text: str) -> str:
    return re.sub(r"^>.*\n", "", text, flags=re.M)


@pytest.mark.parametrize("version", SHAPES)
@pytest.mark.parametrize("hint", ["cohort", "date"])
def test_answers_placed_by_headings_when_every_prompt_is_gone(
    registry: Registry, version: str, hint: str
) -> None:
    given = version if hint == "cohort" else f"{version[:4]}-01-20"
    report = parse(registry, without_quotes(filled(registry, version)), hint=lambda: given)
    assert report.template == version
    questions = registry.template(version).questions
    assert [a.markdown for a in report.answers] == [answer_of(registry, version, q.number) for q in questions]
    assert [(p.where, p.severity) for p in report.problems if "headings" in p.message] == [
        ("reports/README.md", "warning")
    ]
    assert report.students == ["s123456", "s234567", "s345678"]


@pytest.mark.parametrize("version", SHAPES)
def test_headings_choose_among_the_versions_with_that_many_questions(
    registry: Registry, version: str
) -> None:
    text = without_quotes(filled(registry, version))
    assert parse(registry, text).template is None  # no hint: nothing tells which template
    gap = text.replace("### Question 7\n", "### Our seventh answer\n")
    assert parse(registry, gap, hint=version).template is None  # not every question's heading
    # a hint of a version with another number of questions (a group reusing an old repo, or a report
    # first committed before its template's release): the version with as many questions, by the hint
    other, expected = (
        ("2026-january", "2024-january") if version.startswith("2023") else ("2023-january", "2025-january")
    )
    report = parse(registry, text, hint=other)
    assert report.template == expected
    assert [a.markdown for a in report.answers] == [
        answer_of(registry, version, q.number) for q in registry.template(version).questions
    ]
    assert parse(registry, text, hint="2025-01-20").template == expected


# --- 7. exported from Word or Google Docs ----------------------------------------------------------------
# No `>` markers, headings as bold lines, sometimes the example on the `Example:` line, the `Answer:` label
# gone or run into the example's line, rules and dashes escaped (`\---`).


def exported(text: str, *, example: str = "own-line", label: bool = True) -> str:
    """The rendered template as an editor's export gives it back (see above)."""
    text = unquoted(text)
    text = re.sub(r"^#{2,3} (.+)$", r"**\1**", text, flags=re.M)
    if example == "inline":
        text = re.sub(r"^Example:\n(\*.+\*)$", r"Example: \1", text, flags=re.M)
    elif example == "inline-label":  # the label run into the example's line
        text = re.sub(r"^Example:\n(\*.+\*)\n\nAnswer:$", r"Example: \1 Answer:", text, flags=re.M)
    if not label:
        text = re.sub(r"^Answer:\n", "", text, flags=re.M)
    return text


@pytest.mark.parametrize("version", SHAPES)
@pytest.mark.parametrize(
    ("example", "label"),
    [("own-line", True), ("own-line", False), ("inline", True), ("inline", False), ("inline-label", True)],
)
def test_exported_report_keeps_only_the_answers(
    registry: Registry, version: str, example: str, label: bool
) -> None:
    """Bold section headings and their intros, the example (on its own line or on the label's) and the
    `Answer:` label (or its absence) stay out of every answer."""
    text = exported(filled(registry, version), example=example, label=label)
    assert "### " not in text and "\n>" not in text
    report = parse(registry, text)
    assert report.template == version
    questions = registry.template(version).questions
    assert [a.markdown for a in report.answers] == [answer_of(registry, version, q.number) for q in questions]


@pytest.mark.parametrize("version", SHAPES)
@pytest.mark.parametrize(
    "wrapped",
    [
        "\\---\n\n{}\n\n\\---",
        "--- {} \\---",
        "\u2014\n\n{}\n\n\u2014",
        "{} \u2014---",
        "{}\n\n` `---",
        "` `--- {}",
        "{}\n\n` `\n\n` ` ` `",
    ],
    ids=[
        "escaped-lines",
        "escaped-inline",
        "em-dashes",
        "em-dash-and-dashes",
        "empty-code-dashes",
        "empty-code-glued",
        "empty-code",
    ],
)
def test_exported_answer_wrappers_are_dropped(registry: Registry, version: str, wrapped: str) -> None:
    """The placeholder's dashes left around the answer, escaped or turned into em dashes, and the empty
    code spans (`` ` ` ``) an export leaves on empty lines and at their start, are not part of the answer."""
    number = 5
    ans = answer_of(registry, version, number)
    text = exported(filled(registry, version)).replace(
        f"Answer:\n\n{ans}\n", f"Answer:\n\n{wrapped.format(ans)}\n"
    )
    a = parse(registry, text).answer(number)
    assert a and a.markdown == ans and a.words == len(ans.split())


@pytest.mark.parametrize("version", SHAPES)
def test_section_heading_moved_into_a_section_stays_out_of_the_answer(
    registry: Registry, version: str
) -> None:
    """A section's heading (and intro) put above a question of the section before it: the answer above
    ends before them, whether the heading is a Markdown heading or a bold line."""
    first = first_of_section(registry, version)
    section = registry.template(version).question(first).section  # type: ignore[union-attr]
    for heading in (f"## {section}", f"**{section}**"):
        text = filled(registry, version).replace(f"## {section}\n", "")
        text = text.replace(f"### Question {first - 1}\n", f"{heading}\n\n### Question {first - 1}\n")
        text = text.replace(ONE_LINE_INTRO, "")
        report = parse(registry, text)
        assert markdown(report, first - 2) == answer_of(registry, version, first - 2), heading
        assert markdown(report, first - 1) == answer_of(registry, version, first - 1), heading


def test_a_prompt_worded_otherwise_above_an_unquoted_answer_label_is_no_answer(registry: Registry) -> None:
    """A question found by its heading, its prompt worded as no version of the template words it, the
    `Answer:` label moved out of the quote: only what follows the label is the answer (as report.py)."""
    text = filled(registry, "2026-january")
    ans = answer_of(registry, "2026-january", 3)
    head, sep, tail = text.partition("### Question 3\n")
    quote_end = tail.index("> Answer:\n")
    tail = (
        "\n> **Which package outside the course did you pick, and was it worth it for the**\n"
        "> **project as a whole?**\n>\n> Recommended answer length: 0-200 words.\n>\n\nAnswer:\n"
        + tail[quote_end + len("> Answer:\n") :]
    )
    a = parse(registry, head + sep + tail).answer(3)
    assert a is not None and a.markdown == ans and a.words == len(ans.split())
