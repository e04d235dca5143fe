"""The archive's domain objects: what every stage hands to the next.

Flow: roster -> fetch (Snapshot) -> parse/normalise (Report) -> pages / export / search.
Nothing here imports MkDocs; everything is plain data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, Protocol

Status = Literal["ok", "unavailable", "no-report"]
Severity = Literal["error", "warning", "info"]
FigureStatus = Literal["resolved", "case-mismatch", "missing", "external", "unsafe"]
# file name endings shown as images (compared lower-case)
REPORT_PATH = "reports/README.md"  # where the course's template asks for the report
IMAGE_EXTENSIONS = frozenset({".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".bmp"})


@dataclass(frozen=True)
class Problem:
    """A thing worth telling a person about; collected, never raised."""

    where: str  # "reports/README.md", "Q14", "rosters/2025-january.csv:7", ...
    message: str
    group: str | None = None  # "2025-january/17"
    severity: Severity = "warning"

    def __str__(self) -> str:
        prefix = f"{self.group}: " if self.group else ""
        return f"{prefix}{self.where}: {self.message}"


# --- rosters ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RosterEntry:
    """One row of a cohort roster (`group_info.csv`)."""

    cohort: str
    group: int
    repo_url: str
    students: tuple[str, ...] = ()
    line: int = 0  # 1-based line in the roster file
    ref: str | None = None  # pinned branch, tag or commit for this group


@dataclass
class CohortSettings:
    """Per-cohort settings: from the roster's side file (`<cohort>.yml`) or defaults."""

    id: str
    title: str
    deadline: datetime | None = None  # hand-in deadline (aware); choose last commit at or before it
    branch: str | None = None  # default branch override for every group
    pins: dict[int, str] = field(default_factory=dict)  # group -> ref


@dataclass
class Roster:
    """A parsed roster: its settings, the usable rows and what was wrong with the others."""

    settings: CohortSettings
    path: str
    entries: list[RosterEntry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


# --- fetched repositories --------------------------------------------------------------------------


class RepoTree(Protocol):
    """A read-only view of a repository's files at one commit. Paths are POSIX, relative to the root."""

    def read(self, path: str) -> bytes | None:
        """The file's bytes, or None if there is no such regular file (symlinks read as None)."""
        ...

    def is_symlink(self, path: str) -> bool: ...

    def files(self) -> list[str]:
        """Every regular file path in the tree (symlinks excluded)."""
        ...


class DictTree:
    """A RepoTree over an in-memory mapping; for tests and demo data."""

    def __init__(self, files: dict[str, bytes | str], symlinks: dict[str, str] | None = None) -> None:
        self._files = {k: v.encode() if isinstance(v, str) else v for k, v in files.items()}
        self._links = dict(symlinks or {})

    def read(self, path: str) -> bytes | None:
        return None if path in self._links else self._files.get(path)

    def is_symlink(self, path: str) -> bool:
        return path in self._links

    def files(self) -> list[str]:
        return sorted(self._files)


class ListingTree:
    """A RepoTree that knows the file list but, of the contents, only `contents` (what figure resolution
    needs: the listing, and the `.gitattributes`).

    `first_added(path)` answers when a file was first committed, when the creator can tell.
    """

    def __init__(
        self,
        files: list[str],
        symlinks: set[str] | None = None,
        first_added: Callable[[str], datetime | None] | None = None,
        contents: dict[str, bytes] | None = None,
    ) -> None:
        self._files = list(files)
        self._links = set(symlinks or ())
        self._first_added = first_added
        self._contents = dict(contents or {})

    def read(self, path: str) -> bytes | None:
        return self._contents.get(path)

    def is_symlink(self, path: str) -> bool:
        return path in self._links

    def files(self) -> list[str]:
        return self._files

    def first_added(self, path: str) -> datetime | None:
        return self._first_added(path) if self._first_added else None


@dataclass
class Snapshot:
    """What the fetch layer hands on for one group: the chosen commit and a view of its tree."""

    entry: RosterEntry
    status: Status
    commit: str | None = None
    commit_date: datetime | None = None
    branch: str | None = None
    tree: RepoTree | None = None
    report_blob: str | None = None  # git blob sha of the report; a cache key for parsing
    report_path: str = (
        REPORT_PATH  # where the report was read (a near miss such as reports/readme.md, reported)
    )
    problems: list[Problem] = field(default_factory=list)
    from_cache: bool = False  # True when the network fetch failed or was skipped

    @property
    def key(self) -> str:
        return f"{self.entry.cohort}/{self.entry.group}"


# --- the question registry -------------------------------------------------------------------------


@dataclass(frozen=True)
class Limits:
    """Word and image limits of one question, as that year's report.py checks them."""

    min_words: int | None = None
    max_words: int | None = None
    min_images: int | None = None
    max_images: int | None = None

    def check(self, words: int, images: int) -> bool | None:
        """True/False when the question has limits, None when it has none."""
        if (
            self.min_words is None
            and self.max_words is None
            and self.min_images is None
            and (self.max_images is None)
        ):
            return None
        ok = True
        if self.min_words is not None or self.max_words is not None:
            ok &= (self.min_words or 0) <= words <= (self.max_words if self.max_words is not None else 10**9)
        if self.min_images is not None or self.max_images is not None:
            ok &= (
                (self.min_images or 0)
                <= images
                <= (self.max_images if self.max_images is not None else 10**9)
            )
        return ok

    def describe(self) -> str:
        parts = []
        if self.max_words is not None:
            parts.append(_span(self.min_words or 0, self.max_words, "word"))
        if self.max_images is not None:
            parts.append(_span(self.min_images or 0, self.max_images, "image"))
        return ", ".join(parts) or "no limits"


def _span(low: int, high: int, noun: str) -> str:
    """`100–200 words`, `1 image`, `0–1 images`."""
    return f"{high} {noun}{'s' if high != 1 else ''}" if low == high else f"{low}–{high} {noun}s"


def counted(n: int, noun: str) -> str:
    """`1 word`, `12 words`."""
    return f"{n} {noun}{'s' if n != 1 else ''}"


@dataclass(frozen=True)
class QuestionSpec:
    """One question of one template version."""

    number: int
    id: str  # canonical id shared across versions, e.g. "deploy-model"
    title: str  # short title, e.g. "Deploying the model"
    section: str
    prompt: str  # full prompt text (the bold part), plain text
    limits: Limits = Limits()


@dataclass(frozen=True)
class ChecklistItemSpec:
    """One checklist item of a template version."""

    id: str  # canonical id, stable across versions where the item is the same
    text: str
    modules: tuple[str, ...] = ()  # ("M5",), ("M2", "M6"), ...
    week: str = ""


@dataclass(frozen=True)
class Template:
    """One version of the report template."""

    id: str  # "2023-january" ... "2026-january"
    title: str
    questions: tuple[QuestionSpec, ...]
    checklist: tuple[ChecklistItemSpec, ...] = ()
    markers: tuple[str, ...] = ()  # phrases that tell this version apart from its neighbours

    def question(self, number: int) -> QuestionSpec | None:
        for q in self.questions:
            if q.number == number:
                return q
        return None


@dataclass(frozen=True)
class Topic:
    """A canonical question across template versions."""

    id: str
    title: str
    numbers: dict[str, int]  # template id -> question number


# --- normalised reports ----------------------------------------------------------------------------


@dataclass
class Answer:
    """One question's answer in one report."""

    number: int
    question: str  # canonical id
    markdown: str  # normalised answer Markdown (headings demoted; figure refs rewritten by figures)
    answered: bool
    words: int
    images: int
    within_limits: bool | None  # None: the question has no limits
    problems: list[Problem] = field(default_factory=list)


@dataclass
class ChecklistEntry:
    item: str | None  # canonical checklist id, None when it matches no registry item
    text: str
    checked: bool
    modules: tuple[str, ...] = ()


@dataclass
class Figure:
    """One image reference in the report and where it led."""

    ref: str  # as written in the report
    status: FigureStatus
    path: str | None = None  # repo path of the file, when resolved
    site_name: str | None = None  # file name under the group's figure folder in the site
    question: int | None = None  # the answer it appears in
    hosted: str | None = None  # the URL it is shown from instead of a copy (a Git LFS file)


@dataclass
class Report:
    """A normalised report: what the site, the search index and the export are built from."""

    template: str | None  # template id, None for a free-form report
    answers: list[Answer] = field(default_factory=list)
    checklist: list[ChecklistEntry] = field(default_factory=list)
    checklist_present: bool = False
    group_number_text: str = ""  # Q1 as written
    students: list[str] = field(default_factory=list)  # from Q2
    figures: list[Figure] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    free_form_markdown: str | None = None  # the whole report when it matches no template
    front_matter: dict[str, object] = field(default_factory=dict)
    title: str = ""

    def answer(self, number: int) -> Answer | None:
        for a in self.answers:
            if a.number == number:
                return a
        return None


@dataclass
class Group:
    """One group of one cohort: its snapshot and its report (None when there is none)."""

    snapshot: Snapshot
    report: Report | None = None

    @property
    def cohort(self) -> str:
        return self.snapshot.entry.cohort

    @property
    def number(self) -> int:
        return self.snapshot.entry.group

    @property
    def problems(self) -> list[Problem]:
        return [*self.snapshot.problems, *(self.report.problems if self.report else [])]


@dataclass
class Cohort:
    settings: CohortSettings
    groups: list[Group] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.settings.id
