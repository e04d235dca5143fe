"""Headline numbers per group and per question, shared by the pages and the export."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from .figures import summarize
from .model import Answer, Group


@dataclass(frozen=True)
class GroupMetrics:
    questions: int
    answered: int
    within: int  # answers within limits (questions without limits count when answered)
    limited: int  # questions that have limits
    figures_resolved: int
    figures_missing: int
    figures_external: int
    checklist_items: int
    checklist_checked: int
    problems: int

    @property
    def checklist_share(self) -> float | None:
        return self.checklist_checked / self.checklist_items if self.checklist_items else None


def group_metrics(group: Group) -> GroupMetrics:
    report = group.report
    if report is None:
        return GroupMetrics(0, 0, 0, 0, 0, 0, 0, 0, 0, len(group.problems))
    figs = summarize(report.figures)
    return GroupMetrics(
        questions=len(report.answers),
        answered=sum(a.answered for a in report.answers),
        within=sum(bool(a.within_limits) for a in report.answers if a.answered),
        limited=sum(a.within_limits is not None for a in report.answers),
        figures_resolved=figs["resolved"],
        figures_missing=len(figs["missing"]),
        figures_external=figs["external"],
        checklist_items=len(report.checklist),
        checklist_checked=sum(c.checked for c in report.checklist),
        problems=len(group.problems),
    )


@dataclass(frozen=True)
class QuestionMetrics:
    groups: int  # groups whose report has this question
    answered: int
    median_words: float | None
    within: int
    limited: bool

    @property
    def within_share(self) -> float | None:
        return self.within / self.answered if self.answered and self.limited else None


def question_metrics(answers: list[Answer]) -> QuestionMetrics:
    done = [a for a in answers if a.answered]
    return QuestionMetrics(
        groups=len(answers),
        answered=len(done),
        median_words=statistics.median(a.words for a in done) if done else None,
        within=sum(bool(a.within_limits) for a in done),
        limited=any(a.within_limits is not None for a in answers),
    )
