"""The parser over the 32 real reports in ../shared/corpus (read at HEAD of each bare repo; nothing copied)."""

from __future__ import annotations

import ast
import csv
import io
import re
import subprocess
import types
from functools import cache
from pathlib import Path

import markdown
import pytest

from cohort_archive.figures.sanitise import sanitise_html
from cohort_archive.gfm import as_github
from cohort_archive.model import Report
from cohort_archive.parse import parse_report
from cohort_archive.registry import Registry, load_registry
from cohort_archive.registry.text import normalise
from cohort_archive.render import EXTENSION_CONFIGS, EXTENSIONS, MarkdownRenderer
from conftest import corpus_dir, templates_dir

pytestmark = pytest.mark.corpus

ERA = {
    "27q-2023": "2023-january",
    "27q-2024": "2024-january",
    "31q-2025": "2025-january",
    "31q-2026": "2026-january",
}
NO_CHECKLIST = re.compile(r"checklist (?:section )?removed|no (?:instructions/)?checklist", re.I)


@cache
def registry() -> Registry:
    return load_registry()


@cache
def manifest() -> list[dict[str, str]]:
    with (corpus_dir() / "MANIFEST.tsv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def _git(row: dict[str, str], *args: str) -> bytes:
    git_dir = corpus_dir() / "repos" / (row["repo_url"].removeprefix("https://") + ".git")
    return subprocess.run(["git", "--git-dir", str(git_dir), *args], check=True, capture_output=True).stdout


@cache
def _parsed(key: str) -> tuple[Report, bytes]:
    row = next(r for r in manifest() if f"{r['cohort']}/{r['group_number']}" == key)
    data = _git(row, "show", "HEAD:reports/README.md")
    # the hint: when the report file was first committed (2023 and 2024 templates differ by one spelling)
    first = _git(row, "log", "--reverse", "--format=%cs", "--", "reports/README.md").split()[0].decode()
    return parse_report(data, registry(), hint=first), data


def _rows() -> list[str]:
    try:
        return [f"{r['cohort']}/{r['group_number']}" for r in manifest()]
    except pytest.skip.Exception:
        return ["corpus-missing"]


@pytest.fixture(params=_rows())
def case(request: pytest.FixtureRequest) -> tuple[dict[str, str], Report]:
    if request.param == "corpus-missing":
        corpus_dir()  # skips with the reason
    row = next(r for r in manifest() if f"{r['cohort']}/{r['group_number']}" == request.param)
    return row, _parsed(request.param)[0]


def test_template_follows_the_manifest_era(case) -> None:
    row, report = case
    assert report.template == ERA[row["template_era"]], [str(p) for p in report.problems]


def test_answered_except_where_noted(case) -> None:
    row, report = case
    m = re.search(r"unanswered: ((?:Q\d+,?)+)", row["notes"])
    expected = [int(q) for q in re.findall(r"\d+", m.group(1))] if m else []
    template = registry().template(report.template)  # type: ignore[arg-type]
    assert [a.number for a in report.answers] == [q.number for q in template.questions]
    assert [a.number for a in report.answers if not a.answered] == expected


def test_no_answer_holds_template_text(case) -> None:
    _, report = case
    prompts = {normalise(q.prompt) for t in registry().templates.values() for q in t.questions}
    for a in report.answers:
        text = normalise(a.markdown)
        assert not [p for p in prompts if p in text], f"Q{a.number} holds a question prompt"
        assert "fill here" not in a.markdown and "answer length" not in a.markdown.lower()
        assert not re.search(r"^#{1,4} ", a.markdown, re.M) or "```" in a.markdown


def test_group_info_and_checklist(case) -> None:
    row, report = case
    assert int(row["group_number"]) in {int(n) for n in re.findall(r"\d+", report.group_number_text)}
    assert 2 <= len(report.students) <= 5
    assert report.checklist_present is not bool(NO_CHECKLIST.search(row["notes"]))
    if report.checklist_present:
        assert all(e.item for e in report.checklist)
    if "unticked" in row["notes"]:
        assert not any(e.checked for e in report.checklist)


# --- word counts against the year's own report.py -------------------------------------------------------


def report_py_answers(report_py: Path, readme: str) -> list[str]:
    """Run the answer-splitting statements of report.py's check() (everything before its constraint table)."""
    check = next(
        n
        for n in ast.walk(ast.parse(report_py.read_text(encoding="utf-8")))
        if getattr(n, "name", "") == "check"
    )
    body = []
    for stmt in check.body:  # type: ignore[attr-defined]
        if isinstance(stmt, ast.FunctionDef) or (
            isinstance(stmt, ast.Assign)
            and any(getattr(t, "id", "").startswith("question_constr") for t in stmt.targets)
        ):
            break
        body.append(stmt)
    ns: dict[str, object] = {
        "open": lambda *a, **k: io.StringIO(readme),
        "Path": lambda *a: types.SimpleNamespace(open=lambda *a, **k: io.StringIO(readme)),
    }
    exec(compile(ast.Module(body=body, type_ignores=[]), str(report_py), "exec"), ns)
    return ns["answers"]  # type: ignore[return-value]


@pytest.mark.parametrize("key", ["2023-january/1", "2024-january/17", "2025-january/84", "2026-january/82"])
def test_word_counts_equal_report_py(key: str) -> None:
    corpus_dir()
    report, data = _parsed(key)
    theirs = report_py_answers(templates_dir() / report.template / "report.py", data.decode("utf-8"))  # type: ignore[operator]
    assert len(theirs) == len(report.answers)
    assert [len(t.split()) for t in theirs] == [a.words for a in report.answers]
    assert [len(re.findall(r"\!\[.*?\]\(.*?\)", t)) for t in theirs] == [a.images for a in report.answers]


def test_answers_render_as_with_magiclink_everywhere(case) -> None:
    """render.py skips magiclink for text without "://", "www." or "@" (and emoji for text without a
    `:shortcode:`): same HTML on real answers."""
    _, report = case
    renderer = MarkdownRenderer()
    md = markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS)
    texts = [a.markdown for a in report.answers if a.answered] + [report.free_form_markdown or ""]
    for text in texts:
        assert renderer.render(text) == sanitise_html(md.reset().convert(as_github(text))), text[:80]


# --- the same report written otherwise reads the same (answers and checklist) ----------------------------------------------------


def _swap_5_6(text: str) -> str:
    q5 = re.search(r"(?ms)^### Question 5\s*$.*?(?=^### Question 6\s*$)", text)
    q6 = re.search(r"(?ms)^### Question 6\s*$.*?(?=^### Question 7\s*$)", text)
    if not (q5 and q6):
        return text
    return text[: q5.start()] + q6.group(0) + q5.group(0) + text[q6.end() :]


def _before_questions(text: str, pattern: str, replacement: str) -> str:
    """`re.sub` on the part before the first question (the checklist), not in answers."""
    cut = m.start() if (m := re.search(r"(?m)^#+\s+Question\s+1\b", text)) else len(text)
    return re.sub(pattern, replacement, text[:cut]) + text[cut:]


# Forms real groups use (each seen in some report, or a tool's doing); none changes what was answered.
REWRITES = {
    "crlf": lambda t: t.replace("\n", "\r\n"),
    "bom": lambda t: "\ufeff" + t,
    "trailing-spaces": lambda t: "\n".join(line + "  " for line in t.split("\n")),
    "h2-question-headings": lambda t: re.sub(r"(?m)^###(\s+Question)", r"##\1", t),
    "indented-question-headings": lambda t: re.sub(r"(?m)^(###\s+Question)", r"  \1", t),
    "titled-question-headings": lambda t: re.sub(
        r"(?m)^###\s+Question\s+(\d+)\s*$", r"### Question \1: ours", t
    ),
    "bold-question-headings": lambda t: re.sub(r"(?m)^###\s+(Question\s+\d+)\s*$", r"**\1**", t),
    "html-question-headings": lambda t: re.sub(r"(?m)^###\s+(Question\s+\d+)\s*$", r"<h3>\1</h3>", t),
    "no-blank-after-headings": lambda t: re.sub(r"(?m)^(#+ .*)\n\n", r"\1\n", t),
    "front-matter": lambda t: "---\ntitle: Our report\n---\n\n" + t,
    "bold-answer-marker": lambda t: re.sub(r"(?m)^(>?\s*)Answer:", r"\1**Answer:**", t),
    "bold-answer-word": lambda t: re.sub(r"(?m)^(>?\s*)Answer:", r"\1**Answer**:", t),
    "upper-answer-marker": lambda t: re.sub(r"(?m)^(>?\s*)Answer:", r"\1ANSWER:", t),
    "quote-without-space": lambda t: re.sub(r"(?m)^> ", ">", t),
    "rules-between-questions": lambda t: re.sub(r"(?m)^(###\s+Question)", r"---\n\n\1", t),
    "examples-commented-out": lambda t: re.sub(
        r"(?m)^> Example:\n((?:>.*\n)*?)>\n> Answer:",
        lambda m: f"<!--\n> Example:\n{m.group(1)}-->\n>\n> Answer:",
        t,
    ),
    "questions-5-and-6-swapped": _swap_5_6,
    "checklist-numbered": lambda t: _before_questions(t, r"(?m)^(\s*)[-*+] \[", r"\g<1>1. ["),
    "checklist-ticks-as-emoji": lambda t: _before_questions(t, r"(?m)^(\s*[-*+] )\[[xX]\]", r"\1✅"),
    "checklist-upper-x": lambda t: _before_questions(t, r"(?m)^(\s*[-*+] )\[x\]", r"\1[X]"),
}


def _reading(report: Report) -> tuple[str | None, dict[int, str], list[tuple[str | None, bool]]]:
    answers = {a.number: " ".join(a.markdown.split()) for a in report.answers if a.answered}
    return report.template, answers, [(e.item, e.checked) for e in report.checklist]


@pytest.mark.parametrize("rewrite", list(REWRITES))
def test_a_report_written_otherwise_reads_the_same(rewrite: str) -> None:
    rows = manifest()  # skips without the corpus
    changed = []
    for row in rows:
        key = f"{row['cohort']}/{row['group_number']}"
        text = _parsed(key)[1].decode("utf-8", "replace").replace("\r\n", "\n")
        first = _git(row, "log", "--reverse", "--format=%cs", "--", "reports/README.md").split()[0].decode()
        expected = _reading(parse_report(text.encode(), registry(), hint=first))
        got = _reading(parse_report(REWRITES[rewrite](text).encode(), registry(), hint=first))
        if got != expected:
            lost = sorted(set(expected[1]) - set(got[1]))
            differ = sorted(n for n in set(expected[1]) & set(got[1]) if expected[1][n] != got[1][n])
            ticks = (
                "same checklist"
                if got[2] == expected[2]
                else f"checklist {len(expected[2])} -> {len(got[2])} items"
            )
            changed.append(
                f"{key}: template {expected[0]} -> {got[0]}, lost {lost}, changed {differ}, {ticks}"
            )
    assert not changed, "\n".join(changed)
