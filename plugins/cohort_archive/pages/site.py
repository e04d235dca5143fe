"""The whole generated site as plain data: every page's Markdown and the navigation tree.

`plan_site` imports no MkDocs; the plugin turns the plan into `File.generated` files and nav items.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..archive import Archive
from ..model import Answer, Cohort, Group, QuestionSpec
from . import urls
from .cohort import build_checklist, build_compliance, build_overview, build_questions_index
from .common import PageSpec
from .group import build_group_page
from .questions import build_question_page, build_topic_page, build_topics_index, cohort_questions


@dataclass
class NavNode:
    title: str
    uri: str | None = None  # a page; a section when None
    children: list[NavNode] = field(default_factory=list)


@dataclass
class SitePlan:
    pages: list[PageSpec]
    nav: list[NavNode]


def _chunks(groups: list[Group], size: int) -> list[list[Group]]:
    return [groups[i : i + size] for i in range(0, len(groups), size)]


def plan_site(archive: Archive, *, section_size: int = 40) -> SitePlan:
    registry = archive.registry
    pages: list[PageSpec] = []
    nav: list[NavNode] = []
    topic_use: dict[str, list[tuple[Cohort, QuestionSpec, list[tuple[Group, Answer]]]]] = {}
    for cohort in sorted(archive.cohorts, key=lambda c: c.id, reverse=True):
        overview = build_overview(cohort)
        group_pages = [build_group_page(cohort, g, registry) for g in cohort.groups]
        questions = cohort_questions(cohort, registry)
        q_index = build_questions_index(cohort, questions)
        q_pages = [build_question_page(cohort, spec, entries, registry) for spec, entries in questions]
        checklist = build_checklist(cohort, registry)
        compliance = build_compliance(cohort, registry)
        pages += [overview, *group_pages, q_index, *q_pages, checklist, compliance]
        for spec, entries in questions:
            topic_use.setdefault(spec.id, []).append((cohort, spec, entries))

        group_nodes = [NavNode(p.title, p.uri) for p in group_pages]
        if len(group_nodes) > section_size:
            group_nodes = [
                NavNode(
                    f"Groups {chunk[0].number}–{chunk[-1].number}",
                    None,
                    [NavNode(f"Group {g.number}", urls.group(cohort.id, g.number)) for g in chunk],
                )
                for chunk in _chunks(cohort.groups, section_size)
            ]
        nav.append(
            NavNode(
                cohort.settings.title,
                None,
                [
                    NavNode("Overview", overview.uri),
                    NavNode("Groups", None, group_nodes),
                    NavNode(
                        "Questions",
                        None,
                        [NavNode("All questions", q_index.uri)] + [NavNode(p.title, p.uri) for p in q_pages],
                    ),
                    NavNode("Checklist", checklist.uri),
                    NavNode("Compliance", compliance.uri),
                ],
            )
        )

    topic_pages = []
    index_entries = []
    for topic_id, uses in topic_use.items():
        if topic_id not in registry.topics:
            continue
        topic_pages.append(build_topic_page(topic_id, uses, registry))
        index_entries.append((topic_id, [(c, s) for c, s, _ in uses]))
    if topic_pages:
        index = build_topics_index(index_entries, registry)
        pages += [index, *topic_pages]
        nav.append(
            NavNode(
                "Across cohorts",
                None,
                [NavNode("All topics", index.uri)] + [NavNode(p.title, p.uri) for p in topic_pages],
            )
        )
    return SitePlan(pages=pages, nav=nav)
