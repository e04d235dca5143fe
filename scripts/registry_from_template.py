"""Draft a question-registry YAML (reports/templates/<id>.yml) from a course template folder.

    python scripts/registry_from_template.py ../shared/templates/2027-january -o reports/templates/2027-january.yml

The folder holds that year's `README.md` (the template) and `report.py` (the checker). Prompts, sections
and the checklist come from the README; word and image limits from report.py's constraint table (read with
`ast`, never run). Canonical question ids, short titles and checklist ids are carried over from the most
similar entries already in the registry; new ones are left as `TODO`/slugs for a person to fill in, and
`markers` are carried over from an existing file of the same id. Review the draft by hand.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

from cohort_archive.registry import default_registry_dir
from cohort_archive.registry.detect import align
from cohort_archive.registry.load import build_registry, read_template
from cohort_archive.registry.text import similarity, tokens

_MODULES = re.compile(r"\s*\(((?:M\d+\s*\+?\s*)+)\)\s*$")
_BOX = re.compile(r"^\s*[*-] \[[ xX]?\] (.*)$")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_PLACEHOLDER = re.compile(r"^-+ *question \d+ fill here *-+$")


@dataclass
class Question:
    number: int
    section: str
    prompt: str
    filler: str = ""
    limits: dict[str, int] = field(default_factory=dict)


@dataclass
class Item:
    week: str
    text: str
    modules: list[str]


def plain(markdown: str) -> str:
    """Bold prompt lines to one plain-text line: no `>`, `**`, link syntax or autolink brackets."""
    text = " ".join(line.lstrip("> ").strip() for line in markdown.splitlines())
    text = text.replace("**", "")
    text = _LINK.sub(r"\1", text)
    text = re.sub(r"<([^>\s]+)>", r"\1", text)
    return " ".join(text.split())


def parse_readme(text: str) -> tuple[str, list[Question], list[Item]]:
    lines = text.splitlines()
    title = next(line[2:].strip() for line in lines if line.startswith("# "))
    questions: list[Question] = []
    items: list[Item] = []
    section = week = ""
    in_checklist = False
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("## "):
            section = line[3:].strip()
            in_checklist = "checklist" in section.lower()
        elif line.startswith("### ") and in_checklist:
            week = line[4:].strip()
        elif in_checklist and (m := _BOX.match(line)):
            text_ = m.group(1)
            while i + 1 < len(lines) and lines[i + 1].startswith("    ") and lines[i + 1].strip():
                i += 1
                text_ += " " + lines[i].strip()
            mods = _MODULES.search(text_)
            modules = re.findall(r"M\d+", mods.group(1)) if mods else []
            items.append(Item(week, " ".join(_MODULES.sub("", text_).split()), modules))
        elif (m := re.match(r"^### Question (\d+)\s*$", line)) and not in_checklist:
            j = i + 1
            while not lines[j].startswith(">"):
                j += 1
            bold = []
            while j < len(lines) and lines[j].startswith("> **"):
                bold.append(lines[j])
                j += 1
            questions.append(Question(int(m.group(1)), section, plain("\n".join(bold))))
            # what the template ships after "Answer:" besides the placeholder (2025 has stray text in Q31)
            while j < len(lines) and not lines[j].lstrip("> ").startswith("Answer:"):
                j += 1
            k = j + 1
            body = []
            while k < len(lines) and not lines[k].startswith("#"):
                body.append(lines[k])
                k += 1
            filler = "\n".join(b for b in body if not _PLACEHOLDER.match(b.strip())).strip("\n")
            questions[-1].filler = filler if filler.strip() else ""
            i = k - 1
        i += 1
    return title, questions, items


def _constraint(node: ast.expr) -> dict[str, int]:
    """One entry of report.py's constraint table as limit keys."""
    if isinstance(node, ast.Name) or (isinstance(node, ast.Call) and _callee(node) == "NoConstraints"):
        return {}
    assert isinstance(node, ast.Call), ast.dump(node)
    name = _callee(node)
    kwargs = {k.arg: k.value for k in node.keywords}
    if name == "partial":
        name = node.args[0].id  # type: ignore[attr-defined]
    if "multi" in name.lower():
        out: dict[str, int] = {}
        for sub in kwargs["constrains"].elts:  # type: ignore[attr-defined]
            out |= _constraint(sub)
        return out
    values = [ast.literal_eval(v) for k, v in kwargs.items() if k != "constrains"]
    kind = "images" if "image" in name.lower() else "words"
    return {f"min_{kind}": values[0], f"max_{kind}": values[1]}


def _callee(node: ast.Call) -> str:
    return node.func.id if isinstance(node.func, ast.Name) else ""


def parse_limits(source: str) -> tuple[dict[int, dict[str, int]], list[str]]:
    """report.py's limits by question number, and notes on how it applies them."""
    tree = ast.parse(source)
    table = None
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id.startswith("question_constr") for t in node.targets
        ):
            table = node.value
    if isinstance(table, ast.List):
        limits = {k + 1: _constraint(e) for k, e in enumerate(table.elts)}
        notes = [f"report.py lists {len(table.elts)} constraints, applied in order: entry k to Question k+1"]
    elif isinstance(table, ast.Dict):
        limits = {
            int(ast.literal_eval(k).rsplit("_", 1)[1]): _constraint(v)  # type: ignore[arg-type]
            for k, v in zip(table.keys, table.values, strict=True)
        }
        notes = ["report.py keys constraints by question_N, applied in that order"]
    else:
        raise SystemExit("no question_constraints table found in report.py")
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", "") == "enumerate"
            and len(node.args) < 2
            and not node.keywords
        ):
            notes.append(
                "its warnings number questions from 0 (enumerate without start=1): a warning for"
                " 'Question 2' is about Question 3; the limits below are mapped to the question they"
                " are applied to, not to the number printed"
            )
    return limits, notes


def carry_over(questions: list[Question], items: list[Item], registry_dir: Path, tid: str):
    """Canonical ids and titles from the most similar questions and items already registered."""
    ids: dict[int, tuple[str, str, float]] = {}
    item_ids: list[str] = []
    markers: list[str] = []
    own = registry_dir / f"{tid}.yml"
    if own.is_file():
        markers = list(read_template(own).template.markers)
    others = [p for p in sorted(registry_dir.glob("*.yml")) if p != own]
    registry = build_registry(read_template(p) for p in others)
    new = [tokens(q.prompt) for q in questions]
    for t in reversed(registry.ordered()):
        if t.id == tid:
            continue
        old = [tokens(q.prompt) for q in t.questions]
        sims = [[similarity(a, b) for b in old] for a in new]
        for i, j in enumerate(align(sims, 0.6)):
            if j is not None and sims[i][j] > ids.get(questions[i].number, ("", "", 0.0))[2]:
                ids[questions[i].number] = (t.questions[j].id, t.questions[j].title, sims[i][j])
    known = [(tokens(c.text), c.id) for t in registry.ordered() if t.id != tid for c in t.checklist]
    for it in items:
        words = tokens(it.text)
        score, cid = max(((similarity(words, k), c) for k, c in known), default=(0.0, ""))
        item_ids.append(cid if score >= 0.7 else _slug(it.text))
    return ids, item_ids, markers


def released(folder: Path) -> str | None:
    """The template commit date from the templates folder's index table (`| id | sha (YYYY-MM-DD) |`)."""
    index = folder.parent / "README.md"
    if not index.is_file():
        return None
    for line in index.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if cells and cells[0] == folder.name and (m := re.search(r"\d{4}-\d{2}-\d{2}", line)):
            return m.group(0)
    return None


def _slug(text: str) -> str:
    return "-".join(tokens(text)[:5])


def _q(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def emit(tid, title, questions, items, item_ids, ids, markers, notes, source, date: str | None) -> str:
    out = [
        f"# Question registry: template {tid}. Drafted by scripts/registry_from_template.py from",
        f"# {source}, then checked by hand.",
        "# limits: exactly what that year's report.py checks (words = len(answer.split()),",
        "# images = count of ![..](..) links);",
        *(f"#   {line}" for note in notes for line in textwrap.wrap(note, 100)),
        f"id: {tid}",
        f"title: {_q(title)}",
        f"released: {date or 'null  # TODO: the template commit date'}",
        "markers:  # normalised phrases telling this version apart from its structural neighbours",
        *(f"  - {_q(m)}" for m in markers),
        "questions:",
    ]
    if not markers:
        out[out.index("questions:") - 1] = "markers: []  # TODO"
    for q in questions:
        cid, ctitle, _ = ids.get(q.number, (f"q{q.number}", "TODO", 0.0))
        lim = ", ".join(f"{k}: {v}" for k, v in q.limits.items())
        out += [
            f"  - number: {q.number}",
            f"    id: {cid}",
            f"    title: {_q(ctitle)}",
            f"    section: {_q(q.section)}",
            "    prompt: >-",
            *textwrap.wrap(q.prompt, 104, initial_indent="      ", subsequent_indent="      "),
            f"    limits: {{{lim}}}",
        ]
        if q.filler:
            out += [
                "    # text the template ships where the answer goes; an answer made of it is unanswered",
                "    filler: |",
                *("      " + line for line in q.filler.splitlines()),
            ]
    out.append("checklist:")
    for it, iid in zip(items, item_ids, strict=True):
        mods = ", ".join(it.modules)
        out.append(f"  - {{id: {iid}, week: {_q(it.week)}, modules: [{mods}], text: {_q(it.text)}}}")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder", type=Path, help="template folder with README.md and report.py")
    ap.add_argument("--id", help="template id (default: the folder name)")
    ap.add_argument("--registry", type=Path, default=default_registry_dir(), help="existing registry")
    ap.add_argument("-o", "--output", type=Path, help="write here instead of stdout")
    args = ap.parse_args(argv)
    tid = args.id or args.folder.name
    title, questions, items = parse_readme((args.folder / "README.md").read_text(encoding="utf-8"))
    limits, notes = parse_limits((args.folder / "report.py").read_text(encoding="utf-8"))
    if sorted(limits) != [q.number for q in questions]:
        notes.append(
            f"WARNING: report.py has limits for {len(limits)} questions, README has {len(questions)}"
        )
    for q in questions:
        q.limits = limits.get(q.number, {})
    ids, item_ids, markers = carry_over(questions, items, args.registry, tid)
    source = f"{args.folder.name}/README.md and report.py"
    draft = emit(tid, title, questions, items, item_ids, ids, markers, notes, source, released(args.folder))
    if args.output:
        args.output.write_text(draft, encoding="utf-8")
    else:
        sys.stdout.write(draft)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
