"""The question registry: its YAML data against the course's templates and checkers, and detection."""

from __future__ import annotations

import importlib.util
import io
import re
import sys
import types
import warnings
from datetime import date
from pathlib import Path

import pytest
from fixtures.parse.factory import render

import cohort_archive
from cohort_archive.model import Limits, Template
from cohort_archive.registry import Registry, default_registry_dir, detect_template, load_registry
from cohort_archive.registry.detect import align, hint_date
from cohort_archive.registry.load import read_template
from cohort_archive.registry.text import normalise
from conftest import REPO, templates_dir

VERSIONS = ["2023-january", "2024-january", "2025-january", "2026-january"]


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry()


# --- the data ---------------------------------------------------------------------------------------


def test_versions_and_sizes(registry: Registry) -> None:
    assert sorted(registry.templates) == VERSIONS
    sizes = {t.id: (len(t.questions), len(t.checklist)) for t in registry.ordered()}
    assert sizes == {
        "2023-january": (27, 36),
        "2024-january": (27, 36),
        "2025-january": (31, 52),
        "2026-january": (31, 53),
    }
    for t in registry.ordered():
        assert len({c.id for c in t.checklist}) == len(t.checklist)
        assert all(q.prompt and q.title and q.section for q in t.questions)
        assert t.markers


def test_topics_follow_questions_across_versions(registry: Registry) -> None:
    deploy = registry.topic("deploy-model")
    assert deploy.numbers == {"2023-january": 22, "2024-january": 22, "2025-january": 24, "2026-january": 24}
    moved = {
        "monitoring": (23, 26),
        "cloud-credits": (24, 27),
        "architecture": (25, 29),
        "struggles": (26, 30),
    }
    moved |= {"contributions": (27, 31), "image-registry": (20, 20), "third-party-framework": (3, 3)}
    for topic, (old, new) in moved.items():
        numbers = registry.topic(topic).numbers
        assert (numbers["2023-january"], numbers["2025-january"], numbers["2026-january"]) == (old, new, new)
    for new_only, number in {"cloud-training": 22, "api": 23, "api-testing": 25, "extras": 28}.items():
        assert registry.topic(new_only).numbers == {"2025-january": number, "2026-january": number}
    assert len(registry.topics) == 31
    with pytest.raises(KeyError):
        registry.topic("nope")


def test_question_fields(registry: Registry) -> None:
    q = registry.template("2025-january").question(17)
    assert (
        q
        and q.id == "gcp-services"
        and q.title == "GCP services used"
        and q.section == "Working in the cloud"
    )
    assert q.prompt.startswith("List all the GCP services that you made use of")
    assert registry.template("2025-january").question(23).section == "Deployment"  # type: ignore[union-attr]
    assert registry.template("2023-january").question(20).title == "Container registry"  # type: ignore[union-attr]
    assert registry.template("2025-january").question(20).title == "Artifact registry"  # type: ignore[union-attr]


def test_limits_spot_checks(registry: Registry) -> None:
    t23, t25, t26 = (registry.template(v) for v in ("2023-january", "2025-january", "2026-january"))
    assert t23.question(1).limits == Limits()  # type: ignore[union-attr]
    assert t23.question(14).limits == Limits(200, 300, 1, 3)  # type: ignore[union-attr]
    assert t23.question(20).limits == Limits(min_images=1, max_images=1)  # type: ignore[union-attr]
    assert t23.question(24).limits == Limits(25, 100)  # type: ignore[union-attr]
    assert t25.question(20).limits == Limits(min_images=1, max_images=2)  # type: ignore[union-attr]
    assert t25.question(3).limits == Limits(100, 200)  # type: ignore[union-attr]
    assert t26.question(3).limits == Limits(0, 200)  # type: ignore[union-attr]
    assert t26.question(29).limits == Limits(200, 400, 1, 1)  # type: ignore[union-attr]


def test_checklist_items(registry: Registry) -> None:
    for version in VERSIONS:
        items = {c.id: c for c in registry.template(version).checklist}
        assert {"git-repository", "requirements", "wandb", "fastapi", "code-on-github"} <= set(items)
    req = {c.id: c for c in registry.template("2026-january").checklist}["requirements"]
    assert req.modules == ("M2", "M6") and req.week == "Week 1" and "uv.lock" in req.text
    assert {c.id: c for c in registry.template("2023-january").checklist}["requirements"].modules == ()
    only_2026 = {c.id for c in registry.template("2026-january").checklist} - {
        c.id for c in registry.template("2025-january").checklist
    }
    assert only_2026 == {"input-output-collection"}


def test_registry_dir_and_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert (
        default_registry_dir() == Path(cohort_archive.__file__).resolve().parents[2] / "reports" / "templates"
    )
    monkeypatch.setenv("COHORT_ARCHIVE_TEMPLATES", str(tmp_path))
    assert default_registry_dir() == tmp_path
    with pytest.raises(ValueError, match="no template files"):
        load_registry(tmp_path)
    (tmp_path / "bad.yml").write_text("id: x\ntitle: y\nquestions:\n  - number: 2\n", encoding="utf-8")
    with pytest.raises(ValueError, match="malformed"):
        load_registry(tmp_path)


def test_adding_a_version_is_a_data_change(registry: Registry, tmp_path: Path) -> None:
    src = default_registry_dir() / "2026-january.yml"
    (tmp_path / "2026-january.yml").write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
    text = src.read_text(encoding="utf-8").replace("id: 2026-january", "id: 2027-january")
    text = text.replace("released: 2026-01-09", "released: 2027-01-08")
    text = text.replace("uv add typer markdown", "uv sync --all-groups")
    (tmp_path / "2027-january.yml").write_text(text, encoding="utf-8")
    reg = load_registry(tmp_path)
    assert reg.topic("deploy-model").numbers == {"2026-january": 24, "2027-january": 24}
    assert reg.released["2027-january"] == date(2027, 1, 8)
    report = render(reg.template("2027-january"), {1: "1"})
    assert detect_template(report, reg)[0] == "2027-january"


# --- against the course's files (../shared/templates) ---------------------------------------------------


def _bold_prompts(readme: str) -> dict[int, str]:
    out = {}
    for m in re.finditer(r"^### Question (\d+)\n+((?:> \*\*.*\n)+)", readme, re.M):
        out[int(m.group(1))] = normalise(m.group(2))
    return out


@pytest.mark.parametrize("version", VERSIONS)
def test_prompts_and_checklist_match_the_template(registry: Registry, version: str) -> None:
    readme = (templates_dir() / version / "README.md").read_text(encoding="utf-8")
    template = registry.template(version)
    assert {q.number: normalise(q.prompt) for q in template.questions} == _bold_prompts(readme)
    boxes = re.findall(r"^\* \[ \] ((?:.*)(?:\n {4}.*)*)", readme, re.M)
    assert [normalise(re.sub(r"\((M\d+\+?)+\)\s*$", "", b)) for b in boxes] == [
        normalise(c.text) for c in template.checklist
    ]


def test_markers_tell_versions_apart(registry: Registry) -> None:
    readmes = {
        v: normalise((templates_dir() / v / "README.md").read_text(encoding="utf-8")) for v in VERSIONS
    }
    for t in registry.ordered():
        twins = [o for o in registry.ordered() if o.id != t.id and len(o.questions) == len(t.questions)]
        for marker in t.markers:
            assert f" {normalise(marker)} " in f" {readmes[t.id]} ", (t.id, marker)
            for other in twins:
                assert f" {normalise(marker)} " not in f" {readmes[other.id]} ", (t.id, marker, other.id)


@pytest.mark.parametrize("version", VERSIONS)
def test_draft_script_reproduces_the_data(registry: Registry, version: str, tmp_path: Path) -> None:
    folder = templates_dir() / version
    spec = importlib.util.spec_from_file_location(
        "registry_from_template", REPO / "scripts" / "registry_from_template.py"
    )
    script = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules[spec.name] = script  # type: ignore[union-attr]  (dataclasses look their module up)
    try:
        spec.loader.exec_module(script)  # type: ignore[union-attr]
    finally:
        del sys.modules[spec.name]  # type: ignore[union-attr]
    out = tmp_path / f"{version}.yml"
    script.main([str(folder), "-o", str(out)])
    draft = read_template(out)
    ours = registry.template(version)
    assert [(q.prompt, q.section, q.limits) for q in draft.template.questions] == [
        (q.prompt, q.section, q.limits) for q in ours.questions
    ]
    assert [(c.text, c.modules, c.week) for c in draft.template.checklist] == [
        (c.text, c.modules, c.week) for c in ours.checklist
    ]
    assert draft.fillers == registry.fillers.get(version, {})
    assert draft.released == registry.released[version]


# report.py, run for real on probe answers, must fail exactly where our limits say --------------------------


class _Logger:
    def __init__(self) -> None:
        self.messages: list[str] = []

    def warning(self, message: str) -> None:
        self.messages.append(message)

    def info(self, message: str) -> None:
        pass


def _stub_modules(logger: _Logger) -> dict[str, types.ModuleType]:
    """Minimal click/typer/markdown/loguru/pydantic so report.py's module body and check() run."""

    def decorator_factory(*_a, **_k):
        def deco(fn):
            fn.command = decorator_factory  # `@cli.command()` after `@click.group()`
            return fn

        return deco

    class Typer:
        command = staticmethod(decorator_factory)

    class BaseModel:
        def __init__(self, **kw) -> None:
            self.__dict__.update(kw)

    mods = {name: types.ModuleType(name) for name in ("click", "typer", "markdown", "loguru", "pydantic")}
    mods["click"].group = decorator_factory  # type: ignore[attr-defined]
    mods["typer"].Typer = Typer  # type: ignore[attr-defined]
    mods["loguru"].logger = logger  # type: ignore[attr-defined]
    mods["pydantic"].BaseModel = BaseModel  # type: ignore[attr-defined]
    mods["pydantic"].Field = lambda *a, **k: None  # type: ignore[attr-defined]
    return mods


def _failures(report_py: Path, template: Template, answers: dict[int, str]) -> set[int]:
    """Question numbers report.py's check() warns about (as it prints them) for a synthetic README."""
    body = "".join(f"### Question {n}\n\nAnswer:\n\n{answers[n]}\n\n" for n in sorted(answers))
    readme = "---\nlayout: default\nnav_exclude: true\n---\n\n" + body  # report.py skips 43 header chars
    logger = _Logger()
    saved = {k: sys.modules.get(k) for k in ("click", "typer", "markdown", "loguru", "pydantic")}
    sys.modules.update(_stub_modules(logger))
    try:
        ns: dict[str, object] = {"__name__": "report"}
        exec(compile(report_py.read_text(encoding="utf-8"), str(report_py), "exec"), ns)
        ns["open"] = lambda *a, **k: io.StringIO(readme)
        ns["Path"] = lambda *a: types.SimpleNamespace(open=lambda *a, **k: io.StringIO(readme))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            ns["check"]()  # type: ignore[operator]
    finally:
        for k, v in saved.items():
            if v is None:
                sys.modules.pop(k, None)
            else:
                sys.modules[k] = v
    messages = logger.messages + [str(w.message) for w in caught]
    return {int(m) for msg in messages for m in re.findall(r"Question (\d+) failed", msg)}


def _probe(limits: Limits, words: int | None, images: int | None) -> str:
    images = images if images is not None else (limits.min_images or 0)
    words = words if words is not None else max(limits.min_words or 0, images)
    return " ".join(["![x](f.png)"] * images + ["w"] * max(0, words - images))


@pytest.mark.parametrize("version", VERSIONS)
def test_limits_behave_like_report_py(registry: Registry, version: str) -> None:
    report_py = templates_dir() / version / "report.py"
    template = registry.template(version)
    offset = 1 if version == "2023-january" else 0  # 2023 prints 0-based numbers: its "Question 2" is Q3
    qs = template.questions

    def fails(**probe) -> set[int]:
        answers = {q.number: probe[str(q.number)] if str(q.number) in probe else probe["all"](q) for q in qs}
        return {n + offset for n in _failures(report_py, template, answers)}

    limited = {q.number for q in qs if q.limits.check(0, 0) is not None}
    assert fails(all=lambda q: _probe(q.limits, None, None)) == set()  # all at the minimum
    at_max = fails(all=lambda q: _probe(q.limits, q.limits.max_words, q.limits.max_images))
    assert at_max == set()
    too_short = {q.number for q in qs if (q.limits.min_words or 0) > 0}
    assert fails(all=lambda q: _probe(q.limits, max((q.limits.min_words or 0) - 1, 0), None)) == too_short
    too_long = {q.number for q in qs if q.limits.max_words is not None}
    assert fails(all=lambda q: _probe(q.limits, (q.limits.max_words or 0) + 1, None)) == too_long
    no_images = {q.number for q in qs if (q.limits.min_images or 0) > 0}
    assert fails(all=lambda q: _probe(q.limits, None, 0)) == no_images
    extra = {q.number for q in qs if q.limits.max_images is not None}
    assert fails(all=lambda q: _probe(q.limits, None, (q.limits.max_images or 0) + 1)) == extra
    assert limited == too_long | extra


# --- detection --------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
def test_detects_each_rendered_version(registry: Registry, version: str) -> None:
    assert detect_template(render(registry.template(version)), registry) == (version, [])


def test_detection_ignores_markers_written_in_answers(registry: Registry) -> None:
    t25 = registry.template("2025-january")
    text = render(t25, {4: "We installed with uv add typer markdown and kept uv.lock up-to-date."})
    assert detect_template(text, registry)[0] == "2025-january"


def test_detection_of_custom_text(registry: Registry) -> None:
    template, problems = detect_template("# Our report\n\nNothing like the template.\n", registry)
    assert template is None and "no known template" in problems[0].message


def test_hint_dates() -> None:
    assert hint_date("2024-01-18") == date(2024, 1, 18)
    assert hint_date("2024-01-18T10:00:00+01:00") == date(2024, 1, 18)
    assert hint_date("2025-january") == date(2025, 1, 1)
    assert hint_date("2024") == date(2024, 1, 1)
    assert hint_date("group 7") is None


def test_align_keeps_order_and_threshold() -> None:
    sims = [[0.9, 0.2, 0.1], [0.95, 0.3, 0.8], [0.1, 0.2, 0.4]]
    assert align(sims, 0.5) == [0, 2, None]
    assert align([], 0.5) == []


def test_a_hint_function_is_asked_only_when_identical_versions_tie(registry: Registry) -> None:
    """The hint (the report's first commit date) costs a git call: it is computed only when needed."""
    asked: list[str] = []

    def first_commit() -> str:
        asked.append("yes")
        return "2024-01-20"

    assert (
        detect_template(render(registry.template("2024-january")), registry, first_commit)[0]
        == "2024-january"
    )
    assert len(asked) == 1  # 2023 and 2024 have identical questions
    assert (
        detect_template(render(registry.template("2025-january")), registry, first_commit)[0]
        == "2025-january"
    )
    assert len(asked) == 1


def test_limits_and_counts_read_as_english() -> None:
    from cohort_archive.model import Limits, counted

    assert Limits(100, 200).describe() == "100–200 words"
    assert Limits(None, 200, 1, 1).describe() == "0–200 words, 1 image"
    assert Limits(min_images=0, max_images=2).describe() == "0–2 images"
    assert Limits().describe() == "no limits"
    assert (counted(1, "word"), counted(0, "image"), counted(3, "image")) == (
        "1 word",
        "0 images",
        "3 images",
    )
