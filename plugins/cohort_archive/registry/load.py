"""The question registry: template versions read from `reports/templates/*.yml`.

Each YAML file describes one template version (see `reports/templates/README.md` for the schema).
Topics (a canonical question across versions) are derived from the questions' canonical ids, so adding
next year's template is adding one YAML file.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from cohort_archive.model import ChecklistItemSpec, Limits, QuestionSpec, Template, Topic

ENV_DIR = "COHORT_ARCHIVE_TEMPLATES"
_LIMIT_KEYS = ("min_words", "max_words", "min_images", "max_images")


@dataclass
class Registry:
    """All known template versions and the topics they share."""

    templates: dict[str, Template]
    topics: dict[str, Topic]
    # Text a template ships in place of an answer (besides `--- question N fill here ---`):
    # template id -> question number -> text. An answer consisting of it is unanswered.
    fillers: dict[str, dict[int, str]] = field(default_factory=dict)
    # When each version was published (template id -> date); orders versions for date hints.
    released: dict[str, date] = field(default_factory=dict)
    _wordings: dict[str, dict[int, tuple[str, ...]]] = field(default_factory=dict, repr=False, compare=False)
    _fillers: dict[str, dict[int, tuple[str, ...]]] = field(default_factory=dict, repr=False, compare=False)

    def template(self, id: str) -> Template:
        try:
            return self.templates[id]
        except KeyError:
            raise KeyError(f"unknown template {id!r}; known: {', '.join(sorted(self.templates))}") from None

    def topic(self, id: str) -> Topic:
        try:
            return self.topics[id]
        except KeyError:
            raise KeyError(f"unknown topic {id!r}") from None

    def age(self, id: str) -> tuple[date, str]:
        """A sort key, oldest first: the release date (undated versions first), then the id."""
        return self.released.get(id, date.min), id

    def ordered(self) -> list[Template]:
        """Templates oldest first."""
        return [self.templates[k] for k in sorted(self.templates, key=self.age)]

    def fillers_of(self, id: str) -> dict[int, tuple[str, ...]]:
        """Question number -> the filler texts to drop from its answers: this version's own first, then
        those other versions ship for the same question (canonical id), as a report on a later revision of
        a template can still carry the older one's filler."""
        if id in self._fillers:
            return self._fillers[id]
        own = self.template(id)
        out: dict[int, tuple[str, ...]] = self._fillers.setdefault(id, {})
        for q in own.questions:
            texts = [self.fillers.get(id, {}).get(q.number, "")]
            texts += [
                self.fillers.get(t.id, {}).get(o.number, "")
                for t in self.ordered()
                if t.id != id
                for o in t.questions
                if o.id == q.id
            ]
            found = tuple(dict.fromkeys(t for t in texts if t))
            if found:
                out[q.number] = found
        return out

    def other_wordings(self, id: str) -> dict[int, tuple[str, ...]]:
        """Question number -> the prompts other versions give the same question (canonical id), when
        worded otherwise: a group may answer one question of an older template in a newer report."""
        if id in self._wordings:
            return self._wordings[id]
        own = self.template(id)
        out: dict[int, tuple[str, ...]] = self._wordings.setdefault(id, {})
        for q in own.questions:
            others = {
                o.prompt
                for t in self.ordered()
                if t.id != id
                for o in t.questions
                if o.id == q.id and o.prompt != q.prompt
            }
            if others:
                out[q.number] = tuple(sorted(others))
        return out


def default_registry_dir() -> Path:
    """`reports/templates` of this repository, or `$COHORT_ARCHIVE_TEMPLATES` when set."""
    override = os.environ.get(ENV_DIR)
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[3] / "reports" / "templates"


def load_registry(directory: Path | None = None) -> Registry:
    """Read every `*.yml` in the directory. Raises ValueError on a malformed file (project data, not input)."""
    directory = Path(directory) if directory is not None else default_registry_dir()
    files = sorted(directory.glob("*.yml"))
    if not files:
        raise ValueError(f"no template files (*.yml) in {directory}")
    return build_registry(read_template(path) for path in files)


@dataclass(frozen=True)
class TemplateFile:
    """What one YAML file holds."""

    template: Template
    fillers: dict[int, str]
    released: date | None


def read_template(path: Path) -> TemplateFile:
    """Read one template file."""
    # libyaml's loader when PyYAML has it (10x faster; the registry is read on every build)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    try:
        return _template(data)
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"{path}: malformed template: {exc}") from exc


def build_registry(files: Iterable[TemplateFile]) -> Registry:
    registry = Registry(templates={}, topics={})
    for f in files:
        if f.template.id in registry.templates:
            raise ValueError(f"duplicate template id {f.template.id!r}")
        registry.templates[f.template.id] = f.template
        if f.fillers:
            registry.fillers[f.template.id] = f.fillers
        if f.released:
            registry.released[f.template.id] = f.released
    registry.topics = _topics(registry.ordered())
    return registry


def _template(data: dict[str, Any]) -> TemplateFile:
    questions = []
    fillers: dict[int, str] = {}
    for q in data["questions"]:
        limits = q.get("limits") or {}
        unknown = set(limits) - set(_LIMIT_KEYS)
        if unknown:
            raise ValueError(f"question {q['number']}: unknown limit keys {sorted(unknown)}")
        questions.append(
            QuestionSpec(
                number=int(q["number"]),
                id=str(q["id"]),
                title=str(q["title"]),
                section=str(q["section"]),
                prompt=" ".join(str(q["prompt"]).split()),
                limits=Limits(**{k: int(v) for k, v in limits.items()}),
            )
        )
        if q.get("filler"):
            fillers[int(q["number"])] = str(q["filler"])
    numbers = [q.number for q in questions]
    if numbers != list(range(1, len(numbers) + 1)):
        raise ValueError(f"questions must be numbered 1..n in order, got {numbers}")
    ids = [q.id for q in questions]
    if len(set(ids)) != len(ids):
        raise ValueError("canonical question ids repeat within the template")
    checklist = tuple(
        ChecklistItemSpec(
            id=str(item["id"]),
            text=" ".join(str(item["text"]).split()),
            modules=tuple(str(m) for m in item.get("modules") or ()),
            week=str(item.get("week", "")),
        )
        for item in data.get("checklist") or ()
    )
    template = Template(
        id=str(data["id"]),
        title=str(data["title"]),
        questions=tuple(questions),
        checklist=checklist,
        markers=tuple(str(m) for m in data.get("markers") or ()),
    )
    released = data.get("released")
    if isinstance(released, str):
        released = date.fromisoformat(released)
    if released is not None and not isinstance(released, date):
        raise ValueError(f"released must be a date, got {released!r}")
    return TemplateFile(template, fillers, released)


def _topics(ordered: list[Template]) -> dict[str, Topic]:
    numbers: dict[str, dict[str, int]] = {}
    titles: dict[str, str] = {}
    for template in ordered:  # oldest first: the newest version's title wins
        for q in template.questions:
            numbers.setdefault(q.id, {})[template.id] = q.number
            titles[q.id] = q.title
    return {qid: Topic(id=qid, title=titles[qid], numbers=numbers[qid]) for qid in numbers}
