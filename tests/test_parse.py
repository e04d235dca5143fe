"""The report parser on invented reports: every template version and every kind of mess seen in the wild."""

from __future__ import annotations

import random
import re
import textwrap
from pathlib import Path

import pytest
from fixtures.parse.factory import invented_answer, placeholder, render

from cohort_archive.model import Report
from cohort_archive.parse import parse_report
from cohort_archive.parse.answer import count_images, count_words, demote_headings
from cohort_archive.registry import Registry, load_registry
from cohort_archive.render import MarkdownRenderer
from conftest import templates_dir

FIXTURES = Path(__file__).parent / "fixtures" / "parse"
VERSIONS = ["2023-january", "2024-january", "2025-january", "2026-january"]
GROUP = "Group 7"
STUDENTS = "s123456, s234567, S345678"


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry()


def report_text(registry: Registry, version: str = "2025-january", **answers: str | None) -> str:
    """A filled report; keyword `q5="..."` overrides question 5's answer."""
    template = registry.template(version)
    given = {1: GROUP, 2: STUDENTS, **{int(k[1:]): v for k, v in answers.items()}}
    return render(template, given)


def parse(registry: Registry, text: str | bytes, **kw) -> Report:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return parse_report(data, registry, **kw)


def answer_of(registry: Registry, version: str, number: int) -> str:
    return invented_answer(registry.template(version).question(number))  # type: ignore[arg-type]


# --- clean reports of every version ----------------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
def test_filled_report_of_each_version(registry: Registry, version: str) -> None:
    template = registry.template(version)
    report = parse(registry, report_text(registry, version))
    assert report.template == version
    assert report.title == template.title
    assert report.front_matter == {"layout": "default", "nav_exclude": True}
    assert [a.number for a in report.answers] == [q.number for q in template.questions]
    assert [a.question for a in report.answers] == [q.id for q in template.questions]
    assert all(a.answered for a in report.answers)
    for a in report.answers[2:]:
        expected = invented_answer(template.question(a.number))  # type: ignore[arg-type]
        assert a.markdown == expected
        assert (a.words, a.images) == (len(expected.split()), expected.count("!["))
        assert a.within_limits is True
    assert report.group_number_text == GROUP
    assert report.students == ["s123456", "s234567", "s345678"]
    assert report.checklist_present
    assert [e.item for e in report.checklist] == [c.id for c in template.checklist]
    assert [e.checked for e in report.checklist] == [k % 2 == 0 for k in range(len(template.checklist))]
    assert [e.modules for e in report.checklist] == [c.modules for c in template.checklist]
    assert not [p for p in report.problems if p.severity != "info"]


@pytest.mark.parametrize("version", ["2023-january", "2025-january"])
def test_unfilled_template_is_all_unanswered(registry: Registry, version: str) -> None:
    template = registry.template(version)
    report = parse(registry, render(template, dict.fromkeys((q.number for q in template.questions), None)))
    assert report.template == version
    assert not any(a.answered for a in report.answers)
    assert all(a.markdown == "" and a.words == 0 for a in report.answers)
    assert all(any(p.message == "unanswered" for p in a.problems) for a in report.answers)
    assert report.group_number_text == "" and report.students == []


def test_limits_are_checked_on_our_boundaries(registry: Registry) -> None:
    long = " ".join(["word"] * 250)
    report = parse(registry, report_text(registry, q3=long, q19="No screenshot, sorry."))
    q3, q19 = report.answer(3), report.answer(19)
    assert q3 and (q3.words, q3.within_limits) == (250, False)
    assert q19 and (q19.images, q19.within_limits) == (0, False)
    assert report.answer(1).within_limits is None  # type: ignore[union-attr]


# --- where the answer is ---------------------------------------------------------------------------


def test_answer_inside_the_blockquote(registry: Registry) -> None:
    ans = answer_of(registry, "2025-january", 8)
    text = report_text(registry)
    quoted = "\n".join(f"> {line}" if line else ">" for line in ans.split("\n"))
    text = text.replace(f"> Answer:\n\n{ans}\n", f"> Answer:\n{quoted}\n")
    same_line = answer_of(registry, "2025-january", 9)
    text = text.replace(f"> Answer:\n\n{same_line}\n", "> Answer: " + same_line.replace("\n", "\n> ") + "\n")
    report = parse(registry, text)
    assert report.answer(8).markdown == ans  # type: ignore[union-attr]
    assert report.answer(9).markdown == same_line  # type: ignore[union-attr]
    assert report.answer(10).markdown == answer_of(registry, "2025-january", 10)  # type: ignore[union-attr]


@pytest.mark.parametrize("between", ["```bash\nuv run train\n```", ""], ids=["code-block", "blank-line"])
def test_an_answer_typed_in_the_quote_goes_on_in_a_second_quote_after_a_break(
    registry: Registry, between: str
) -> None:
    """`> Answer:` / `> first part`, then a code block (or a blank line), then `> second part`: both parts
    are the answer, read alike (no quote, no `>` counted)."""
    first, second = "We build the image like this:", "The file is in the repository.\n\nIt has two stages."
    quoted = "> " + second.replace("\n", "\n> ").replace("> \n", ">\n")
    ans = answer_of(registry, "2025-january", 15)
    text = report_text(registry).replace(
        f"> Answer:\n\n{ans}\n", f"> Answer:\n>\n> {first}\n{between}\n{quoted}\n"
    )
    a = parse(registry, text).answer(15)
    expected = f"{first}\n\n{between}\n{second}" if between else f"{first}\n\n{second}"
    assert a and re.sub(r"\n{3,}", "\n\n", a.markdown) == expected
    assert a.words == len(expected.split())


@pytest.mark.parametrize("on_label", [True, False], ids=["on-the-label", "below-the-label"])
def test_an_unquoted_line_below_a_quoted_answer_goes_on_with_its_paragraph(
    registry: Registry, on_label: bool
) -> None:
    """`> Answer: first line` (or `> Answer:` / `> first line`), then a line without `>`: a lazy continuation
    line, so GitHub shows one paragraph; so do we."""
    first, lazy = "Our tests cover the data loading.", "The model tests came later."
    ans = answer_of(registry, "2025-january", 7)
    quoted = f"> Answer: {first}" if on_label else f"> Answer:\n> {first}"
    text = report_text(registry).replace(f"> Answer:\n\n{ans}\n", f"{quoted}\n{lazy}\n")
    a = parse(registry, text).answer(7)
    assert a and a.markdown == f"{first}\n{lazy}" and a.words == 11
    assert MarkdownRenderer().render(a.markdown).count("<p>") == 1


@pytest.mark.parametrize(
    "typed",
    ["> Answer:\nName Cover\n----------", "> Answer: Our coverage:\nName Cover\n----------"],
    ids=["below-the-label", "on-the-label"],
)
def test_a_dash_line_below_lazy_lines_is_a_rule_not_their_underline(registry: Registry, typed: str) -> None:
    """Lines going on with the quote's paragraph (lazy lines) cannot be a heading: the `---` below them is
    a rule, as on GitHub; a line of the answer's own above a later `---` still is one."""
    ans = answer_of(registry, "2025-january", 7)
    below = "main.py 90%\n----------\n\nAll of it is tested."
    text = report_text(registry).replace(f"> Answer:\n\n{ans}\n", f"{typed}\n{below}\n")
    a = parse(registry, text).answer(7)
    assert a and "Name Cover\n\n----------\n##### main.py 90%" in a.markdown
    html = MarkdownRenderer().render(a.markdown)
    assert "<hr>" in html and "<h5>main.py 90%</h5>" in html and "<h5>Name Cover" not in html


@pytest.mark.parametrize(
    ("quoted", "below"),
    [
        ("> Answer: We test the API.", "- and the data"),  # a list starts
        ("> Answer: We test the API.", "--- question 7 fill here ---"),  # a placeholder (a rule)
        ("> Answer:\n> | test | what |\n> |---|---|\n> | a | b |", "We run them in CI."),  # in a table
    ],
    ids=["list", "placeholder", "after-table"],
)
def test_a_line_below_a_quoted_answer_that_starts_a_block_is_a_block_of_its_own(
    registry: Registry, quoted: str, below: str
) -> None:
    ans = answer_of(registry, "2025-january", 7)
    text = report_text(registry).replace(f"> Answer:\n\n{ans}\n", f"{quoted}\n{below}\n")
    a = parse(registry, text).answer(7)
    lines = a.markdown.split("\n") if a else []
    if "fill here" in below:  # the placeholder goes; the answer above it stays as typed
        assert lines[-1] == "We test the API."
    else:
        assert lines[-2:] == ["", below]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (
            "> Answer:\n> We run them with:\n> ```bash\n> pytest tests/\n> ```\n> and they pass.",
            "We run them with:\n\n```bash\npytest tests/\n```\nand they pass.",
        ),
        ("> Answer:\n>\n> ```bash\n> pytest tests/\n> ```", "```bash\npytest tests/\n```"),
    ],
    ids=["text-and-code", "code-only"],
)
def test_code_typed_in_the_prompts_quote_is_the_answers_like_its_text(
    registry: Registry, typed: str, expected: str
) -> None:
    """A fenced block typed inside the prompt's quote is unquoted with the rest of the answer (it was left
    in a quote of its own, its `>` counted as words)."""
    ans = answer_of(registry, "2025-january", 7)
    a = parse(registry, report_text(registry).replace(f"> Answer:\n\n{ans}\n", f"{typed}\n")).answer(7)
    assert a and a.markdown == expected and a.words == len(expected.split())


def test_a_quoted_line_in_unquoted_code_below_a_quoted_answer_stays_as_typed(registry: Registry) -> None:
    """`>` at the start of a line inside an unquoted code block is the code's (a prompt, a diff)."""
    ans = answer_of(registry, "2025-january", 7)
    typed = "> Answer: We checked the output:\n\n```\n> expected 3\n```"
    a = parse(registry, report_text(registry).replace(f"> Answer:\n\n{ans}\n", f"{typed}\n")).answer(7)
    assert a and re.sub(r"\n{3,}", "\n\n", a.markdown) == "We checked the output:\n\n```\n> expected 3\n```"


def test_headings_in_a_code_block_left_open_stay_as_typed(registry: Registry) -> None:
    """A fence never closed runs to the answer's end on the page: the `#` lines in it are code, not headings
    to demote."""
    written = "Our layout is below.\n\n```\nsrc/\n# Notes\n## More"
    a = parse(registry, report_text(registry, q5=written)).answer(5)
    assert a and a.markdown == written


def test_wrapper_dashes_opened_one_dash_short_go_too(registry: Registry) -> None:
    a = parse(registry, report_text(registry, q18="-- Two VMs did the training. ---")).answer(18)
    assert a and a.markdown == "Two VMs did the training." and a.words == 5
    a = parse(registry, report_text(registry, q18="-- a dash-led note, no wrapper")).answer(18)
    assert a and a.markdown == "-- a dash-led note, no wrapper"


@pytest.mark.parametrize(
    "text",
    [
        "---Two VMs did the training.--",
        "--- Two VMs did the training. --",
        "---\nTwo VMs did the training.\n--",
    ],
    ids=["glued", "spaced", "own-line"],
)
def test_wrapper_dashes_closed_one_dash_short_go_too(registry: Registry, text: str) -> None:
    a = parse(registry, report_text(registry, q18=text)).answer(18)
    assert a and a.markdown == "Two VMs did the training." and a.words == 5
    a = parse(registry, report_text(registry, q18="Run it with --")).answer(18)  # not opened: kept
    assert a and a.markdown == "Run it with --"


@pytest.mark.parametrize("opening", [">---", "> ---", ">--- "])
def test_wrapper_dashes_behind_the_quote_marker_of_an_answer_quoted_on_its_own_go_too(
    registry: Registry, opening: str
) -> None:
    """`>--- text` / `more ---` (an answer typed as a quote of its own): both wrapper dashes go, not only
    the closing ones; the quote stays."""
    a = parse(
        registry, report_text(registry, q18=f"{opening}Two VMs did the training.\nIt took days. ---")
    ).answer(18)
    assert a and a.markdown.startswith(">") and "---" not in a.markdown
    assert a.markdown.lstrip("> ") == "Two VMs did the training.\nIt took days."
    assert a.words == len(a.markdown.split())  # report.py's count, less the dashes


@pytest.mark.parametrize("closing", ["# ---", "## ---", "#---"])
def test_wrapper_dashes_closed_on_a_heading_line_leave_no_empty_heading(
    registry: Registry, closing: str
) -> None:
    """`--- text` / `# ---`: the closing dashes typed as a heading go with their `#` (no empty heading, no
    `#` counted as a word); a `#` before text at the end stays."""
    a = parse(
        registry, report_text(registry, q18=f"--- Two VMs did the training.\nuv run train\n{closing}")
    ).answer(18)
    assert a and a.markdown == "Two VMs did the training.\nuv run train" and a.words == 8
    a = parse(registry, report_text(registry, q18="--- Two VMs did the training.\n# trained ---")).answer(18)
    assert a and a.markdown.endswith("\n##### trained") and a.words == 7


@pytest.mark.parametrize(
    "closing", ["\n ---", "\n\n---", " ---"], ids=["own-line", "after-blank", "line-end"]
)
def test_a_rule_inside_wrapper_dashes_stays(registry: Registry, closing: str) -> None:
    """`--- intro:` / `---` (the group's rule) / text / closing dashes: only the wrapper goes."""
    text = report_text(registry, q18=f"--- Our setup in short:\n\n---\n\nTwo VMs did the training.{closing}")
    a = parse(registry, text).answer(18)
    assert a and a.markdown == "Our setup in short:\n\n---\n\nTwo VMs did the training."


@pytest.mark.parametrize(
    "wrapped",
    [
        "--- Two VMs did the training.---",
        "--- Two VMs did the training.\n---",
        "--- Two VMs did the training. ---",
    ],
)
def test_a_rule_after_a_wrapped_answer_is_no_part_of_it(registry: Registry, wrapped: str) -> None:
    """Wrapper dashes closed on the text's line or the next, then a `---` rule before the next question."""
    text = report_text(registry, q18=wrapped).replace("### Question 19", "---\n\n### Question 19")
    a = parse(registry, text).answer(18)
    assert a and a.markdown == "Two VMs did the training."


def test_a_line_splitting_the_prompts_quote_leaves_the_example_out_of_the_answer(registry: Registry) -> None:
    """A line of the group's between the length hint and `> Example:` splits the template's quote: the
    second part (example, `Answer:`) is still template; the group's line is kept."""
    text = report_text(registry, "2026-january")
    ans = answer_of(registry, "2026-january", 29)
    head, sep, tail = text.partition("### Question 29")
    hint = re.search(r"> Recommended answer length: [^\n]*\n>\n", tail)
    assert sep and hint
    tail = tail[: hint.end() - 2] + "\n[Sketch](figures/sketch.png)\n\n>\n" + tail[hint.end() :]
    a = parse(registry, head + sep + tail).answer(29)
    assert a and re.sub(r"\n{3,}", "\n\n", a.markdown) == f"[Sketch](figures/sketch.png)\n\n{ans}"
    assert a.words == len(ans.split()) + 1


def test_an_answer_typed_on_in_the_quote_after_an_empty_quote_line_and_code_is_read_alike(
    registry: Registry,
) -> None:
    """`> Answer:` / `>` (the quote goes on, empty) / a code block / `> text`: the text is the answer's,
    not a quote of it (its `>` markers are no words)."""
    ans = answer_of(registry, "2025-january", 15)
    body = "```\nuv run train\n```\n> We train in the cloud.\n>\n> Then we deploy."
    text = report_text(registry).replace(f"> Answer:\n\n{ans}\n", f"> Answer:\n>\n{body}\n")
    a = parse(registry, text).answer(15)
    expected = "```\nuv run train\n```\nWe train in the cloud.\n\nThen we deploy."
    assert a and a.markdown == expected and a.words == len(expected.split())


def test_a_question_heading_typed_in_the_quote_above_its_prompt_starts_it(registry: Registry) -> None:
    """`> ### Question 3` typed at the end of Q2's quote: Q3's heading, not Q2's answer."""
    text = report_text(registry, q2="s111111, s222222")
    text = re.sub(r"s222222\n\n### Question 3\n\n> \*\*", "s222222\n> ### Question 3\n> **", text)
    assert "> ### Question 3\n> **" in text
    report = parse(registry, text)
    assert report.answer(2).markdown == "s111111, s222222"  # type: ignore[union-attr]
    assert report.answer(3).markdown == answer_of(registry, "2025-january", 3)  # type: ignore[union-attr]
    assert not [p for p in report.answer(3).problems if "heading" in p.message]  # type: ignore[union-attr]


def test_answer_inside_the_blockquote_with_placeholder_left_below(registry: Registry) -> None:
    ans = answer_of(registry, "2025-january", 9)
    quoted = "> " + ans.replace("\n", "\n> ")
    text = report_text(registry).replace(
        f"> Answer:\n\n{ans}\n", f"> Answer:\n{quoted}\n\n{placeholder(9)}\n"
    )
    a = parse(registry, text).answer(9)
    assert a and a.answered and a.markdown == ans
    assert any("placeholder left" in p.message for p in a.problems)


@pytest.mark.parametrize(
    "wrap",
    [
        lambda s: f"--- {s} ---",
        lambda s: f"---{s}---",
        lambda s: f"---\n{s}\n---",
        lambda s: f"--- {s}\n---",
    ],
    ids=["spaced", "tight", "own-lines", "closing-line"],
)
def test_dash_wrapped_answers(registry: Registry, wrap) -> None:
    ans = answer_of(registry, "2024-january", 5)
    text = report_text(registry, "2024-january", q1=wrap("Group Number 7"), q5=wrap(ans))
    report = parse(registry, text)
    assert report.group_number_text == "Group Number 7"
    assert report.answer(5).markdown == ans  # type: ignore[union-attr]
    assert report.answer(5).words == len(ans.split())  # type: ignore[union-attr]


@pytest.mark.parametrize("where", ["below", "above"])
def test_placeholder_left_beside_an_answer(registry: Registry, where: str) -> None:
    ans = answer_of(registry, "2024-january", 18)
    both = f"{ans}\n\n\n{placeholder(18)}" if where == "below" else f"{placeholder(18)}\n\n{ans}"
    a = parse(registry, report_text(registry, "2024-january", q18=both)).answer(18)
    assert a and a.answered and a.markdown == ans and a.words == len(ans.split())
    assert [p.message for p in a.problems] == ["template placeholder left beside the answer"]


@pytest.mark.parametrize(
    "empty",
    [
        None,
        "",
        "   ",
        "`--- question 17 fill here ---`",
        "--- ---",
        # as Word / Google Docs exports leave it: escaped dashes, en/em dashes, emphasis
        "\\--- question 17 fill here \u2014",
        "\\--- question 17 fill here \\---",
        "*--- question 17 fill here ---*",
        "\u2013 question 17 fill here \u2013",
    ],
)
def test_unfilled_or_empty_answers(registry: Registry, empty: str | None) -> None:
    a = parse(registry, report_text(registry, q17=empty)).answer(17)
    assert a and not a.answered and a.words == 0 and a.within_limits is False


def test_template_filler_text_is_no_answer(registry: Registry) -> None:
    filler = registry.fillers["2025-january"][31]
    assert not parse(registry, report_text(registry, q31=filler)).answer(31).answered  # type: ignore[union-attr]
    ans = answer_of(registry, "2025-january", 31)
    a = parse(registry, report_text(registry, q31=f"{ans}\n\n{filler}")).answer(31)
    assert a and a.markdown == ans


def test_an_older_versions_filler_is_no_answer_in_a_later_revision(registry: Registry) -> None:
    """A report on a revision of the 2025 template read as 2026 still carries 2025's Q31 filler."""
    filler = registry.fillers["2025-january"][31]
    assert (
        registry.template("2026-january").question(31).id == registry.template("2025-january").question(31).id
    )  # type: ignore[union-attr]
    report = parse(registry, report_text(registry, "2026-january", q31=filler))
    assert report.template == "2026-january"
    a = report.answer(31)
    assert a and not a.answered and a.words == 0
    ans = answer_of(registry, "2026-january", 31)
    a = parse(registry, report_text(registry, "2026-january", q31=f"{ans}\n\n{filler}")).answer(31)
    assert a and a.markdown == ans


def test_answers_indented_as_a_whole_are_dedented(registry: Registry) -> None:
    ans = answer_of(registry, "2025-january", 4)
    indented = "\n".join("    " + line if line else "" for line in ans.split("\n"))
    report = parse(registry, report_text(registry, q1="    Group 7", q4=indented))
    assert report.group_number_text == "Group 7"
    assert report.answer(4).markdown == ans  # type: ignore[union-attr]


def test_section_heading_and_intro_stay_out_of_answers(registry: Registry) -> None:
    report = parse(registry, report_text(registry))
    q3 = report.answer(3)
    assert q3 and "Coding environment" not in q3.markdown and "following section" not in q3.markdown
    # with the section heading deleted, its intro quote is still not part of the answer
    text = report_text(registry).replace("## Coding environment\n", "")
    q3 = parse(registry, text).answer(3)
    assert q3 and q3.markdown == answer_of(registry, "2025-january", 3)


# --- headings ---------------------------------------------------------------------------------------


def test_headings_inside_answers_are_demoted(registry: Registry) -> None:
    ans = (
        "# Overview\n\nOur setup in short.\n\n## Details\n\nMore text here.\n\nSetext title\n============\n\n"
        "```bash\n# a comment, not a heading\nuv run train\n```\n\n### Question 99\n\nStill ours."
    )
    report = parse(registry, report_text(registry, q11=ans, q12="## Just a heading\n\nShort answer."))
    q11 = report.answer(11)
    assert q11 is not None
    assert q11.words == len(ans.split())  # counted on the text as written
    assert "##### Overview" in q11.markdown and "###### Details" in q11.markdown
    assert "##### Setext title" in q11.markdown and "=====" not in q11.markdown
    assert "\n# a comment, not a heading\n" in q11.markdown
    assert not re.search(r"^#{1,4} ", q11.markdown.replace("# a comment", ""), re.M)
    assert report.answer(12).markdown.startswith("###### Just a heading")  # type: ignore[union-attr]
    assert all(a.answered for a in report.answers)


@pytest.mark.parametrize("underline", ["-", "=", "---"])
def test_a_setext_underline_of_any_length_makes_a_demoted_heading(registry: Registry, underline: str) -> None:
    ans = f"Intro line.\n\nThe service is called like this\n{underline}\n\nAfter it."
    a = parse(registry, report_text(registry, q11=ans)).answer(11)
    assert a is not None and "##### The service is called like this" in a.markdown
    assert a.words == len(ans.split())  # counted on the text as written


@pytest.mark.parametrize("underline", ["-", "---", "==="])
def test_a_setext_underline_makes_its_whole_paragraph_the_heading(registry: Registry, underline: str) -> None:
    """As on GitHub, every line of the paragraph above the underline is the heading's text (a pasted
    coverage table's rows above a `-----` line), not the last line alone."""
    ans = f"Our coverage:\n\nfile one 80%\nfile two 60%\n{underline}\n\nTotal 70%."
    a = parse(registry, report_text(registry, q8=ans)).answer(8)
    assert (
        a
        and re.sub(r"\n{3,}", "\n\n", a.markdown)
        == "Our coverage:\n\n##### file one 80% file two 60%\n\nTotal 70%."
    )
    assert a.words == len(ans.split())
    html = MarkdownRenderer().render(a.markdown)
    assert html.count("<h5") == 1 and "<p>file one" not in html


def test_headings_in_list_items_and_quotes_are_demoted_too(registry: Registry) -> None:
    ans = "Two ways:\n\n- ### Locally:\n  run it.\n- ### Cloud:\n  deploy it.\n\n1. # First\n\n> ## Quoted\n\n- #1 is no heading"
    a = parse(registry, report_text(registry, q11=ans)).answer(11)
    assert a is not None and a.words == len(ans.split())
    assert "- ###### Locally:" in a.markdown and "- ###### Cloud:" in a.markdown
    assert "1. ##### First" in a.markdown and "> ###### Quoted" in a.markdown and "- #1 is" in a.markdown
    html = MarkdownRenderer().render(a.markdown)
    assert not re.search(r"<h[1-4]", html) and "<h6>Locally:</h6>" in html


def test_demote_headings_leaves_pre_blocks() -> None:
    text = "Coverage:\n\n<pre>\nfile   cover\n-------------\ntotal  70%\n</pre>"
    assert demote_headings(text) == text


def test_demote_headings_html() -> None:
    assert demote_headings("<h2>Title</h2>") == "<h5>Title</h5>"
    assert demote_headings("text\n---") == "##### text\n"
    assert demote_headings("- item\n---") == "- item\n---"


@pytest.mark.parametrize("heading", ["### Question 18 CHECK", "### Question 18 TODO", "### Q18", ""])
def test_edited_or_deleted_question_heading(registry: Registry, heading: str) -> None:
    text = report_text(registry, "2024-january").replace(
        "### Question 18\n", heading + "\n" if heading else ""
    )
    report = parse(registry, text)
    q17, q18 = report.answer(17), report.answer(18)
    assert q18 and q18.answered and q18.markdown == answer_of(registry, "2024-january", 18)
    assert q17 and q17.markdown == answer_of(registry, "2024-january", 17)
    assert "CHECK" not in q17.markdown and "Q18" not in q17.markdown
    assert q18.problems  # the edit is reported


def test_heading_only_question_whose_prompt_was_deleted(registry: Registry) -> None:
    template = registry.template("2025-january")
    prompt_lines = "\n".join(f"> **{line}**" for line in textwrap.wrap(template.question(7).prompt, 100))  # type: ignore[union-attr]
    text = report_text(registry).replace(prompt_lines + "\n", "")
    a = parse(registry, text).answer(7)
    assert a and a.markdown == answer_of(registry, "2025-january", 7)


@pytest.mark.parametrize(
    "heading",
    ["**Question {n}**", "__Question {n}__", "<h3>Question {n}</h3>", '<h2 id="q{n}">Question {n}</h2>'],
)
def test_question_headings_written_in_bold_or_html(registry: Registry, heading: str) -> None:
    text = report_text(registry, "2026-january")
    for n in range(1, 32):
        text = text.replace(f"### Question {n}\n", heading.format(n=n) + "\n")
    report = parse(registry, text)
    for n in (3, 9, 24, 31):
        a = report.answer(n)
        assert a and a.markdown == answer_of(registry, "2026-january", n), n
        assert not a.problems, n  # read as the template's own heading


def test_question_heading_text_in_an_answer_stays_in_it(registry: Registry) -> None:
    ans = "We compared two setups.\n\n**Question 5 of our survey** was about latency: it went down."
    text = report_text(registry, "2026-january", q9=ans)
    assert parse(registry, text).answer(9).markdown == ans  # type: ignore[union-attr]


def test_questions_answered_out_of_order(registry: Registry) -> None:
    text = report_text(registry, "2025-january")
    q5 = text[text.index("### Question 5\n") : text.index("### Question 6\n")]
    q6 = text[text.index("### Question 6\n") : text.index("### Question 7\n")]
    text = text.replace(q5 + q6, q6 + q5)
    report = parse(registry, text)
    for n in (4, 5, 6, 7):
        assert report.answer(n).markdown == answer_of(registry, "2025-january", n), n  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "marker", ["> **Answer**:", "> **Answer:**", "> __Answer__ :", "#### Answer:", "**Answer**:"]
)
def test_answer_marker_variants(registry: Registry, marker: str) -> None:
    text = report_text(registry, "2024-january").replace("> Answer:\n", marker + "\n")
    report = parse(registry, text)
    for n in (3, 12, 27):
        assert report.answer(n).markdown == answer_of(registry, "2024-january", n), n  # type: ignore[union-attr]


@pytest.mark.parametrize("rule", ["---", "***", "* * *", "___"])
def test_rules_between_questions_stay_out_of_answers(registry: Registry, rule: str) -> None:
    text = report_text(registry, "2026-january").replace("\n### Question", f"\n{rule}\n\n### Question")
    report = parse(registry, text)
    assert report.answer(1).markdown == GROUP  # type: ignore[union-attr]
    for n in (5, 17, 30):
        assert report.answer(n).markdown == answer_of(registry, "2026-january", n), n  # type: ignore[union-attr]


def test_answer_label_moved_into_the_example_leaves_the_question_unanswered(registry: Registry) -> None:
    """`> Answer:` moved up into the example, the rest of the example quoted below it, the placeholder left:
    the text is the template's, so the question is unanswered (with a note); a real answer with a `...` in
    it and the placeholder left beside it stays an answer."""
    example = "> Example:\n> *An example answer for question 7 ... and ... .*\n>\n> Answer:\n"
    moved = "> Example:\n> *An example answer\n>\n> Answer:\n> for question 7 ... and\n> ... more ... .*\n>\n"
    text = report_text(registry, "2026-january", q7=None)
    assert example in text
    a = parse(registry, text.replace(example, moved, 1)).answer(7)
    assert a and not a.answered and a.words == 0
    assert any("only the template's example text" in p.message for p in a.problems)
    own = "We wrote 12 tests ... mostly for the data and the model, run on every push."
    text = text.replace("--- question 7 fill here ---", f"{own}\n\n--- question 7 fill here ---", 1)
    a = parse(registry, text).answer(7)
    assert a and a.answered and a.markdown == own


def test_html_comments_are_hidden_as_on_github(registry: Registry) -> None:
    text = report_text(registry, "2025-january")
    # a group comments out the template's example and length hint ...
    example = "> Example:\n> *An example answer for question 12 ... and ... .*\n>\n"
    assert example in text
    text = text.replace(example, f"<!--\n{example}-->\n")
    # ... hides a draft inside an answer, and shows HTML comments in code
    ans = answer_of(registry, "2025-january", 14)
    shown = "Final text. <!-- old draft: we used nothing --> Done.\n\n```html\n<!-- kept in code -->\n```"
    text = text.replace(f"> Answer:\n\n{ans}\n", f"> Answer:\n\n{shown}\n", 1)
    report = parse(registry, text)
    assert report.answer(12).markdown == answer_of(registry, "2025-january", 12)  # type: ignore[union-attr]
    q14 = report.answer(14)
    assert q14 and "old draft" not in q14.markdown and "<!-- kept in code -->" in q14.markdown
    assert q14.markdown.startswith("Final text.") and "Done." in q14.markdown
    assert any("2 HTML comment(s) hidden" in p.message for p in report.problems)


def test_an_unclosed_html_comment_hides_nothing(registry: Registry) -> None:
    ans = answer_of(registry, "2025-january", 20)
    text = report_text(registry, "2025-january", q20="<!-- TODO: screenshots\n\n" + ans)
    a = parse(registry, text).answer(20)
    assert a and a.answered and ans in a.markdown
    assert parse(registry, text).answer(21).markdown == answer_of(registry, "2025-january", 21)  # type: ignore[union-attr]


def test_stripped_template_without_answer_markers(registry: Registry) -> None:
    text = report_text(registry, "2024-january", q3="We used a framework.\n\nIt helped.")
    lines = [
        line
        for line in text.split("\n")
        if not line.startswith(">") or line.startswith("> **") or "following section" in line
    ]
    stripped = "\n".join(lines)
    stripped = stripped[stripped.index("## Group information") :]
    stripped = "# Exam report for 02476 Machine Learning Operations\n\n" + stripped
    report = parse(registry, stripped, hint="2024-01-18")
    assert report.template == "2024-january"
    assert not report.checklist_present and report.checklist == []
    assert all(a.answered for a in report.answers)
    assert report.answer(3).markdown == "We used a framework.\n\nIt helped."  # type: ignore[union-attr]
    assert report.answer(27).markdown == answer_of(registry, "2024-january", 27)  # type: ignore[union-attr]
    assert report.title == "Exam report for 02476 Machine Learning Operations"


def test_quoted_answer_without_answer_marker(registry: Registry) -> None:
    text = report_text(registry, "2024-january")
    ans = answer_of(registry, "2024-january", 6)
    text = text.replace(f"> Answer:\n\n{ans}\n", "> " + ans.replace("\n", "\n> ") + "\n")
    assert parse(registry, text).answer(6).markdown == ans  # type: ignore[union-attr]


@pytest.mark.parametrize("version", ["2025-january", "2026-january"])
def test_example_taken_out_of_the_quote_stays_out_of_the_answer(registry: Registry, version: str) -> None:
    # the quote ends at `Example:`, the example follows unquoted, a second quote holds `Answer:`
    text = report_text(registry, version)
    example = "> Example:\n> *An example answer for question 2 ... and ... .*\n>\n> Answer:\n"
    assert example in text
    text = text.replace(example, "> Example:\n>\n\nsXXXXXX, sXXXXXX, sXXXXXX\n>\n> Answer:\n", 1)
    report = parse(registry, text)
    assert report.answer(2).markdown == STUDENTS  # type: ignore[union-attr]
    # without the second `Answer:` the unquoted lines are the answer, as before
    bare = text.replace("sXXXXXX, sXXXXXX, sXXXXXX\n>\n> Answer:\n", "")
    assert parse(registry, bare).answer(2).markdown == STUDENTS  # type: ignore[union-attr]
    # an answer written right below the quote is kept, even with a quoted `Answer:` further down
    kept = text.replace("sXXXXXX, sXXXXXX, sXXXXXX\n>\n> Answer:\n", "s999999\n>\n> Answer:\n")
    assert parse(registry, kept).answer(2).markdown.startswith("s999999")  # type: ignore[union-attr]


def test_an_unanswered_question_is_not_within_limits_that_start_at_zero(registry: Registry) -> None:
    template = registry.template("2025-january")
    assert template.question(28).limits.min_words == 0  # "0 to 200 words"
    report = parse(registry, report_text(registry, q28=None, q3=None))
    q28 = report.answer(28)
    assert q28 is not None and not q28.answered and q28.within_limits is False
    q3 = report.answer(3)  # unanswered with a lower limit: not within either
    assert q3 is not None and q3.within_limits is False


# --- checklist --------------------------------------------------------------------------------------


def test_deleted_checklist(registry: Registry) -> None:
    template = registry.template("2023-january")
    report = parse(registry, render(template, {1: GROUP}, checklist=False), hint="2023-01-10")
    assert report.template == "2023-january"
    assert not report.checklist_present and report.checklist == []


@pytest.mark.parametrize(
    ("box", "checked"),
    [("* [X]", True), ("* []", False), ("- [x]", True), ("*[x]", True), ("* [-]", False), ("* [(X)]", True),
     ("* [50%]", False), ("*", False), ("[x]", True), ("1. [x]", True), ("2) [ ]", False), ("- ✅", True),
     ("- ✔️", True), ("* ❌", False), ("- ☐", False), ("* [ok]", True), ("* [Done]", True), ("* [yes]", True),
     ("* [v]", True), ("* [*]", True), ("* [×]", True), ("* [☒]", True), ("* [?]", False), ("* [no]", False),
     ("* [not applicable]", False), ("* [Y]", True), ("* [ check ]", True), ("* [checked]", True),
     ("* ([X])", True), ("- ([ ])", False), ("- :white_check_mark:", True), ("* :heavy_check_mark:", True),
     ("* :x:", False)],
)  # fmt: skip
def test_malformed_checklist_boxes(registry: Registry, box: str, checked: bool) -> None:
    template = registry.template("2026-january")
    text = render(template, {1: GROUP}, ticked=set())
    text = re.sub(r"^\* \[ \]", lambda _: box, text, flags=re.M)
    report = parse(registry, text)
    assert report.checklist_present
    assert [e.item for e in report.checklist] == [c.id for c in template.checklist]
    assert all(e.checked is checked for e in report.checklist)
    assert report.checklist[6].modules == ("M2", "M6")


@pytest.mark.parametrize("year", ["2023-january", "2026-january"])
def test_checklist_written_as_a_table(registry: Registry, year: str) -> None:
    template = registry.template(year)
    text = render(template, {1: GROUP}, ticked=set())
    boxes = iter(["✅", "[x]", "❌", "[ ]"] * 30)
    text = re.sub(r"^\* \[ \] (.*)$", lambda m: f"| {m.group(1)} | {next(boxes)} |", text, flags=re.M)
    report = parse(registry, text, hint="2023-01-10")
    assert report.template == year and report.checklist_present
    assert [e.item for e in report.checklist] == [c.id for c in template.checklist]
    assert [e.checked for e in report.checklist][:4] == [True, True, False, False]
    # a table of other things (no box cell) is not a checklist
    table = "| a | b |\n|---|---|\n| 1 | 2 |\n\n## Group information"
    plain = render(template, {1: GROUP}, checklist=False)
    assert "## Group information" in plain
    assert not parse(registry, plain.replace("## Group information", table, 1), hint="2023-01-10").checklist


def test_checklist_items_from_another_wording_still_match(registry: Registry) -> None:
    # a 2026 report still carrying the 2025 checklist (52 items): all match the 2026 ids
    t25, t26 = registry.template("2025-january"), registry.template("2026-january")
    text25 = render(t25, {1: GROUP})
    checklist25 = text25[text25.index("## Overall project checklist") : text25.index("## Group information")]
    text26 = render(t26, {1: GROUP})
    text = text26.replace(
        text26[text26.index("## Overall project checklist") : text26.index("## Group information")],
        checklist25,
    )
    report = parse(registry, text)
    assert report.template == "2026-january"
    assert len(report.checklist) == 52 and all(e.item for e in report.checklist)
    assert "input-output-collection" not in {e.item for e in report.checklist}


# --- bytes and front matter ---------------------------------------------------------------------------


def test_bom_crlf_and_stray_bom(registry: Registry) -> None:
    clean = report_text(registry)
    expected = parse(registry, clean)
    messy = ("\ufeff" + clean.replace("\n", "\r\n")).replace(
        "Invented answer to question 5", "\ufeffInvented answer to question 5"
    )
    report = parse(registry, messy.encode("utf-8"))
    assert [a.markdown for a in report.answers] == [a.markdown for a in expected.answers]
    assert report.front_matter == expected.front_matter and not report.problems


def test_non_utf8_bytes(registry: Registry) -> None:
    text = report_text(
        registry, q3="Caf\u00e9 answers are na\u00efve. " + answer_of(registry, "2025-january", 3)
    )
    legacy = parse(registry, text.encode("cp1252"))
    assert legacy.answer(3).markdown.startswith("Café answers are naïve.")  # type: ignore[union-attr]
    assert any("Windows-1252" in p.message for p in legacy.problems)
    mixed = text.encode("utf-8").replace("naïve".encode(), b"na\xefve")  # one stray Latin-1 byte
    report = parse(registry, mixed)
    assert report.answer(3).markdown.startswith("Café answers are na\ufffdve.")  # type: ignore[union-attr]
    assert any("not valid UTF-8" in p.message for p in report.problems)
    assert all(a.answered for a in report.answers)


def test_utf16_without_a_byte_order_mark(registry: Registry) -> None:
    text = report_text(registry, q3="Kød og grød: " + answer_of(registry, "2025-january", 3))
    expected = parse(registry, text)
    for codec in ("utf-16-le", "utf-16-be"):
        report = parse(registry, text.encode(codec))
        assert report.template == "2025-january", codec
        assert [a.markdown for a in report.answers] == [a.markdown for a in expected.answers]
        assert any("UTF-16 without a byte-order mark" in p.message for p in report.problems)


def test_a_binary_file_is_not_shown_as_text(registry: Registry) -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8
    report = parse(registry, png)
    assert report.template is None and report.free_form_markdown == ""
    assert any(p.message.startswith("not a text file") and p.severity == "error" for p in report.problems)


@pytest.mark.parametrize("data", [b"", b"  \n\t\n", b"\xef\xbb\xbf\r\n", b"---\ntitle: Report\n---\n\n"])
def test_an_empty_report_says_so(registry: Registry, data: bytes) -> None:
    report = parse(registry, data)
    assert report.template is None and not report.free_form_markdown
    assert [(p.message, p.severity) for p in report.problems] == [("the report is empty", "error")]


def test_front_matter_variants(registry: Registry) -> None:
    template = registry.template("2025-january")
    plain = parse(registry, render(template, {1: GROUP}, front_matter=False))
    assert plain.front_matter == {} and plain.template == "2025-january"
    broken = "---\nlayout: [unclosed\n---\n" + render(template, {1: GROUP}, front_matter=False)
    report = parse(registry, broken)
    assert report.template == "2025-january" and report.front_matter == {}
    assert any("front matter" in p.message for p in report.problems)


# --- versions --------------------------------------------------------------------------------------


def test_2026_text_with_2025_wording_of_q3(registry: Registry) -> None:
    t25, t26 = registry.template("2025-january"), registry.template("2026-january")
    text = render(t26, {1: GROUP})
    old = "\n".join(f"> **{line}**" for line in textwrap.wrap(t25.question(3).prompt, 100))  # type: ignore[union-attr]
    new = "\n".join(f"> **{line}**" for line in textwrap.wrap(t26.question(3).prompt, 100))  # type: ignore[union-attr]
    text = text.replace(new, old).replace(f"Note: {t26.markers[1]}.\n", "")
    report = parse(registry, text)
    assert report.template == "2026-january"
    assert report.answer(3).answered and report.answer(3).question == "third-party-framework"  # type: ignore[union-attr]
    # ... while a 2025 text handed in by a 2026 group stays 2025
    assert parse(registry, render(t25, {1: GROUP}), hint="2026-january").template == "2025-january"
    # ... and with the question headings deleted, Q3 is found by the 2025 wording of its prompt
    bare = re.sub(r"(?m)^### Question \d+\n", "", text)
    report = parse(registry, bare)
    for n in (2, 3, 4):
        assert report.answer(n).markdown == invented_answer(t26.question(n)), n  # type: ignore[union-attr, arg-type]


def test_identical_versions_settled_by_hint(registry: Registry) -> None:
    template = registry.template("2024-january")
    text = render(template, {1: GROUP}).replace(f"Note: {template.markers[0]}.\n", "")
    assert parse(registry, text, hint="2023-01-12").template == "2023-january"
    assert parse(registry, text, hint="2024-january").template == "2024-january"
    report = parse(registry, text)
    assert report.template == "2024-january"
    assert any("identical questions" in p.message for p in report.problems)


def test_free_form_report(registry: Registry) -> None:
    data = (FIXTURES / "free-form.md").read_bytes()
    report = parse(registry, data)
    assert report.template is None and report.answers == []
    assert report.free_form_markdown is not None
    assert report.free_form_markdown.startswith("\n# Cloudy Forecasts")
    assert "## Who did what" in report.free_form_markdown  # headings intact
    assert report.front_matter == {"title": "Cloudy Forecasts"}
    assert report.title == "Cloudy Forecasts: our MLOps project"
    assert any("no known template" in p.message for p in report.problems)


def test_counting_matches_report_py_rules() -> None:
    text = "one two\nthree ![a](b.png) ![c](d.png)\n![e]\n(f)"
    assert count_words(text) == len(text.split()) == 7
    assert count_images(text) == 2


# --- the course's own template files ------------------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
def test_official_template_files(registry: Registry, version: str) -> None:
    readme = (templates_dir() / version / "README.md").read_text(encoding="utf-8")
    hint = {"2023-january": "2023-01-06", "2024-january": "2023-09-27"}.get(version)
    blank = parse(registry, readme, hint=hint)
    assert blank.template == version
    assert not any(a.answered for a in blank.answers), [a.number for a in blank.answers if a.answered]
    filled = re.sub(
        r"^--- question (\d+) fill here ---$",
        lambda m: invented_answer(registry.template(version).question(int(m.group(1)))),  # type: ignore[arg-type]
        readme,
        flags=re.M,
    )
    filled = filled.replace(registry.fillers.get(version, {}).get(31, "\0"), "Filled in.")
    report = parse(registry, filled, hint=hint)
    assert report.template == version
    assert [a.number for a in report.answers if not a.answered] == []
    assert report.checklist_present and len(report.checklist) == len(registry.template(version).checklist)
    assert all(e.item for e in report.checklist)


def test_damaged_reports_never_raise(registry: Registry) -> None:
    """Truncated reports, lost lines and lost quote markers still parse (to answers or free-form)."""
    data = report_text(registry, "2026-january").encode("utf-8")
    lines = data.split(b"\n")
    rng = random.Random(7)
    variants = [data[: len(data) * k // 7] for k in range(7)]
    variants += [b"\n".join(line for line in lines if rng.random() > 0.3) for _ in range(3)]
    variants += [b"\n".join(line.lstrip(b"> ") for line in lines), b"", b"\xff\xfe\x00", b"---\n"]
    for variant in variants:
        report = parse(registry, variant)
        assert (report.template is None) == (report.free_form_markdown is not None)
        if report.template:
            assert len(report.answers) == len(registry.template(report.template).questions)


@pytest.mark.parametrize(
    ("q2", "students"),
    [
        ("s123456, S234567 and s345678", ["s123456", "s234567", "s345678"]),
        ("234567, s123456", ["234567", "s123456"]),  # one written without its s
        ("s12345, s234567", ["s12345", "s234567"]),  # a digit short: kept as written, with a note
        ("204424, 198765", ["204424", "198765"]),
        ("Ada Lovelace 12660585\nAlan Turing 12433139", ["12660585", "12433139"]),
        ("We are 4 students, group 12, since 2025-01-20", []),
    ],
)
def test_study_numbers(registry: Registry, q2: str, students: list[str]) -> None:
    assert parse(registry, report_text(registry, "2025-january", q2=q2)).students == students


def test_figures_shown_with_img_tags_are_named_when_report_py_would_not_count_them(
    registry: Registry,
) -> None:
    """report.py counts only `![..](..)` images; an answer showing its figures with `<img>` stays outside the
    limits as report.py has it, and says why."""
    number = next(q.number for q in registry.template("2026-january").questions if q.limits.min_images)
    text = '<img src="figures/bucket.png" width="400">\n\n<img src="figures/bucket2.png">'
    a = parse(registry, report_text(registry, "2026-january", **{f"q{number}": text})).answer(number)
    assert a and a.answered and a.images == 0 and a.within_limits is False
    [note] = [p for p in a.problems if "<img>" in p.message]
    assert note.severity == "info" and note.message.startswith("2 figures shown with <img>")
    fenced = f"```html\n{text}\n```"
    a = parse(registry, report_text(registry, "2026-january", **{f"q{number}": fenced})).answer(number)
    assert a and not [p for p in a.problems if "<img>" in p.message]


@pytest.mark.parametrize(
    "left",
    [
        "--- question {n} fill here Bob ---",
        "Alice\n\n--- question {n} fill here ---",
        "--- question {n} fill here ---\n\nTODO Alice",
        "--- question {n} fill here",
        "question {n} fill here",
    ],
)
def test_a_name_beside_the_placeholder_is_no_answer(registry: Registry, left: str) -> None:
    """Who is to write the answer, or a to-do, next to the untouched placeholder: unanswered."""
    a = parse(registry, report_text(registry, q18=left.format(n=18))).answer(18)
    assert a and not a.answered and a.words == 0 and a.within_limits is False
    # a short answer is an answer where the question asks for no more (Q1: the group number)
    report = parse(registry, report_text(registry, q1="35\n\n--- question 1 fill here ---"))
    assert report.answer(1).answered and report.group_number_text == "35"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "link",
    [
        "(our image)[https://hub.example.org/r/team/app]",
        "<https://hub.example.org/r/team/app>",
        "www.example.org/app",
    ],
)
def test_a_link_beside_the_placeholder_is_an_answer(registry: Registry, link: str) -> None:
    """A link left beside the placeholder (the group's image on a registry) is more than a name: it is the
    answer, shown and counted, with the placeholder noted."""
    a = parse(registry, report_text(registry, q15=f"{link}\n\n--- question 15 fill here ---")).answer(15)
    assert a and a.answered and link in a.markdown and "fill here" not in a.markdown
    assert [p.message for p in a.problems] == ["template placeholder left beside the answer"]


@pytest.mark.parametrize(
    "own", ["---Answer here---", "--- your answer here ---", "\\--- TODO ---", "— TBD —"]
)
def test_a_placeholder_of_the_groups_own_means_unanswered(registry: Registry, own: str) -> None:
    """The group's own placeholder in the template's dashes (in place of the template's, or of 2025's Q31
    filler) is no answer; with text beside it, the text is the answer."""
    a = parse(registry, report_text(registry, q18=own)).answer(18)
    assert a and not a.answered and a.words == 0
    a = parse(registry, report_text(registry, q18=f"Two VMs did the training.\n\n{own}")).answer(18)
    assert a and a.answered and a.markdown == "Two VMs did the training."


@pytest.mark.parametrize(
    "written", ["--- Our text here is the answer. ---", "We fill in here what the API returns."]
)
def test_an_answer_with_placeholder_words_in_it_stays(registry: Registry, written: str) -> None:
    a = parse(registry, report_text(registry, q18=written)).answer(18)
    assert a and a.answered and a.markdown == written.strip("- ")


def test_study_number_a_digit_short_is_noted(registry: Registry) -> None:
    q2 = parse(registry, report_text(registry, q2="s12345, s234567")).answer(2)
    assert q2 and [p.message for p in q2.problems] == [
        "s12345: not a DTU study number (s and 6 digits); shown as written"
    ]


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("Answer:\n{ans}", "{ans}"),
        ("**Answer:** {ans}", "{ans}"),
        ("--- question 18 fill here\n{ans}\n---", "{ans}"),
        ("{ans}\n\n\u2014\n\nMore.", "{ans}\n\n\n\nMore."),
        ("---\n{ans}\n---\n\nA note after it.", "{ans}\n\n\nA note after it."),
        ("---\n{ans} ---\n\nA NOTE to ourselves", "{ans}\n\nA NOTE to ourselves"),
        ("{ans}\n\n--- {ans} ---", "{ans}\n\n{ans}"),
        ("--- question 18 fill here ---\n\n> Answer:\n> {ans}", "{ans}"),
        ("> Answer: {ans}", "{ans}"),
        ("{ans}\n> *and even if we were then...*", "{ans}"),
        ("Short.\n\n--- {ans}\nmore ---", "Short.\n\n{ans}\nmore"),
        ("--- Answer:\n{ans} ---", "{ans}"),
        ("> Answer: {ans}\n\n--- question 18 fill here ---\n\n> Answer:\n> More.", "{ans}\n\n\n> More."),
        ("--- question 18 fill here --- {ans}", "{ans}"),
    ],
    ids=[
        "label-again",
        "bold-label-again",
        "placeholder-open",
        "lone-em-dash",
        "closed-then-note",
        "closed-on-its-last-line-then-note",
        "typed-twice",
        "quoted-label-below-placeholder",
        "quoted-label-inline",
        "example-line-after",
        "opened-late",
        "label-inside-wrapper",
        "second-quoted-label",
        "answer-after-placeholder-on-its-line",
    ],
)
def test_template_matter_typed_into_the_answer_is_left_out(
    registry: Registry, written: str, expected: str
) -> None:
    ans = answer_of(registry, "2025-january", 18)
    a = parse(registry, report_text(registry, q18=written.format(ans=ans))).answer(18)
    assert a and a.markdown == expected.format(ans=ans)


def test_checklist_legend_is_no_item(registry: Registry) -> None:
    template = registry.template("2026-january")
    text = render(template, {1: GROUP}, ticked=set())
    text = text.replace("* [ ]", "* [x] = done\n* [ ] = not done\n\n* [ ]", 1)
    report = parse(registry, text)
    assert [e.item for e in report.checklist] == [c.id for c in template.checklist]
    assert not any(e.checked for e in report.checklist)


def test_checklist_retyped_in_other_words_matches_by_module_tag_and_order(registry: Registry) -> None:
    """Every item reworded (invented words), each keeping its module tag: the items with that tag, in
    their order, are the ones it matches."""
    template = registry.template("2026-january")
    lines = ["## Overall project checklist", ""]
    for k, item in enumerate(template.checklist):
        tag = f" ({'+'.join(item.modules)})" if item.modules else ""
        lines.append(f"- [x] Point number {k} in words of our own{tag}")
    text = render(template, {1: GROUP}, checklist=False).replace("## ", "\n".join(lines) + "\n\n## ", 1)
    report = parse(registry, text)
    tagged = [c.id for c in template.checklist if c.modules]
    assert [e.item for e in report.checklist if e.modules] == tagged


def test_checklist_entry_with_a_long_note_after_its_module_tag_matches(registry: Registry) -> None:
    template = registry.template("2026-january")
    item = next(i for i in template.checklist if i.modules)
    note = "  Alice: https://example.invalid/" + "/".join(f"segment-{n}-of-a-long-address" for n in range(12))
    text = render(template, {1: GROUP}, checklist=True)
    line = next(ln for ln in text.splitlines() if item.text[:30] in ln)
    text = text.replace(line, line + "\n" + note, 1)
    report = parse(registry, text)
    assert [e.item for e in report.checklist] == [c.id for c in template.checklist]


def test_two_checklist_items_typed_in_swapped_order_both_match(registry: Registry) -> None:
    """Items are matched in order; two typed word for word but swapped still each find their item."""
    template = registry.template("2026-january")
    text = render(template, {1: GROUP}, ticked={template.checklist[20].id, template.checklist[21].id})
    lines = text.splitlines()
    k = next(n for n, ln in enumerate(lines) if template.checklist[20].text[:30] in ln)
    assert template.checklist[21].text[:30] in lines[k + 1]
    lines[k], lines[k + 1] = lines[k + 1], lines[k]
    report = parse(registry, "\n".join(lines))
    assert sorted(e.item for e in report.checklist if e.item) == sorted(c.id for c in template.checklist)
    assert {e.item for e in report.checklist if e.checked} == {
        template.checklist[20].id,
        template.checklist[21].id,
    }


def test_a_note_typed_unindented_below_a_checklist_item_stays_in_it(registry: Registry) -> None:
    """`* [x] item (M30)` / `(a note)` with no indent: GitHub shows the note in the item (a lazy line), and
    so does the entry; a heading, rule, quote or empty item right below an item is no part of it."""
    template = registry.template("2026-january")
    item = next(i for i in template.checklist if i.modules)
    text = render(template, {1: GROUP}, checklist=True)
    line = next(ln for ln in text.splitlines() if item.text[:30] in ln)
    text = text.replace(line, line + "\n(partly: on two machines only)", 1)
    report = parse(registry, text)
    assert [e.item for e in report.checklist] == [c.id for c in template.checklist]
    entry = next(e for e in report.checklist if e.item == item.id)
    assert entry.text.endswith(" (partly: on two machines only)")
    for below in ("### Week 2", "---", "> a quote", "| a | table |", "```", "* [ ] ", "- ", "1."):
        report = parse(
            registry, render(template, {1: GROUP}, checklist=True).replace(line, f"{line}\n{below}", 1)
        )
        entry = next(e for e in report.checklist if e.item == item.id)
        assert entry.text == line.split("] ", 1)[1], below


@pytest.mark.parametrize("between", [" ", ", ", " - ", "; "])
def test_two_items_typed_on_one_line_are_two_entries(registry: Registry, between: str) -> None:
    """`- [x] A ... (M17) B ... (M18)`: each module tag closes an item."""
    template = registry.template("2026-january")
    text = render(template, {1: GROUP}, ticked=set())
    lines = text.splitlines()
    k = next(n for n, ln in enumerate(lines) if ln.startswith("* [ ]") and ln.endswith(")"))
    lines[k : k + 2] = ["* [x] " + lines[k][6:] + between + lines[k + 1][6:]]
    report = parse(registry, "\n".join(lines))
    assert [e.item for e in report.checklist] == [c.id for c in template.checklist]
    assert [e.checked for e in report.checklist].count(True) == 2


@pytest.mark.parametrize("box", ["* [ ] ", "* [x]  ", "- [ ]\t"])
def test_an_empty_box_between_items_is_no_item(registry: Registry, box: str) -> None:
    template = registry.template("2026-january")
    text = render(template, {1: GROUP}, ticked=set())
    text = text.replace("* [ ]", f"{box}\n* [ ]", 1)
    report = parse(registry, text)
    assert [e.item for e in report.checklist] == [c.id for c in template.checklist]


def test_members_without_a_study_number_are_noted(registry: Registry) -> None:
    q2 = "s111111, s222222, Alice, Bob"
    report = parse(registry, report_text(registry, q2=q2))
    assert report.students == ["s111111", "s222222"]
    assert [p.message for p in report.answer(2).problems] == ["no study number for 'Alice', 'Bob'"]  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "q2",
    [
        "Alice Example: &emsp;&emsp; 12345678\nBob Sample: &emsp; 23456789",
        "Study numbers:\n- s111111\n- s222222",
        "s111111, s222222, sXXXXXX",
    ],
    ids=["entities", "label-line", "template-placeholder"],
)
def test_q2_without_false_no_number_notes(registry: Registry, q2: str) -> None:
    q = parse(registry, report_text(registry, q2=q2)).answer(2)
    assert q and not [p for p in q.problems if "no study number" in p.message]


def test_name_beside_the_placeholder_of_an_image_question(registry: Registry) -> None:
    number = next(q.number for q in registry.template("2025-january").questions if q.limits.min_images)
    text = report_text(registry, **{f"q{number}": f"Alice\n\n--- question {number} fill here ---"})
    a = parse(registry, text).answer(number)
    assert a and not a.answered


def test_group_number_written_as_a_quote(registry: Registry) -> None:
    assert parse(registry, report_text(registry, q1="> Group 7")).group_number_text == "Group 7"


@pytest.mark.parametrize(
    ("q1", "text"),
    [
        ("> Group 7", "Group 7"),
        ("Ada\\\nBob\\\nCleo", "Ada Bob Cleo"),
        ("Ada<br>Bob", "Ada Bob"),
        ("_Group 7_", "Group 7"),
    ],
)
def test_group_number_text_is_plain(registry: Registry, q1: str, text: str) -> None:
    assert parse(registry, report_text(registry, q1=q1)).group_number_text == text
