"""Build and write the export files. Field names are a contract: add fields, never rename them."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from ..archive import Archive
from ..figures import summarize
from ..model import Group
from ..pages import urls

SCHEMA = 1
PageUrl = Callable[[str], str | None]  # source URI -> site-relative URL (None when not built)


def _group_entry(group: Group, archive: Archive, page_url: PageUrl) -> dict:
    snap, report = group.snapshot, group.report
    answers = []
    template = archive.registry.templates.get(report.template) if report and report.template else None
    if report is not None:
        for a in report.answers:
            spec = template.question(a.number) if template else None
            answers.append(
                {
                    "number": a.number,
                    "question": a.question,
                    "answered": a.answered,
                    "words": a.words,
                    "images": a.images,
                    "within_limits": a.within_limits,
                    "title": spec.title if spec else None,
                    "page": page_url(urls.group(group.cohort, group.number)),
                    "anchor": urls.question_anchor(a.number),
                }
            )
    return {
        "group": group.number,
        "repo_url": snap.entry.repo_url,
        "status": snap.status,
        "commit": snap.commit,
        "commit_date": snap.commit_date.isoformat() if snap.commit_date else None,
        "branch": snap.branch,
        "report_path": snap.report_path,
        "from_cache": snap.from_cache,
        "page": page_url(urls.group(group.cohort, group.number)),
        "template": report.template if report else None,
        "students": list(snap.entry.students),
        "answers": answers,
        "figures": summarize(report.figures) if report else {},
        "checklist": (
            {
                "present": report.checklist_present,
                "items": len(report.checklist),
                "checked": sum(c.checked for c in report.checklist),
            }
            if report
            else {}
        ),
        "problems": [str(p) for p in group.problems],
    }


def archive_document(archive: Archive, page_url: PageUrl) -> dict:
    cohorts = []
    used: dict[str, dict[str, str | None]] = {}
    for cohort in archive.cohorts:
        cohorts.append(
            {
                "id": cohort.id,
                "title": cohort.settings.title,
                "deadline": cohort.settings.deadline.isoformat() if cohort.settings.deadline else None,
                "page": page_url(urls.cohort(cohort.id)),
                "groups": [_group_entry(g, archive, page_url) for g in cohort.groups],
                "problems": [str(p) for p in cohort.problems],
            }
        )
        ids = {a.question for g in cohort.groups if g.report for a in g.report.answers}
        for qid in ids:
            used.setdefault(qid, {})[cohort.id] = page_url(urls.question(cohort.id, qid))
    questions = []
    for topic in archive.registry.topics.values():
        questions.append(
            {
                "id": topic.id,
                "title": topic.title,
                "numbers": dict(topic.numbers),
                "page": page_url(urls.topic(topic.id)) if topic.id in used else None,
                "pages": used.get(topic.id, {}),
            }
        )
    return {
        "schema": SCHEMA,
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "cohorts": cohorts,
        "questions": questions,
        "problems": [str(p) for p in archive.problems],
    }


CSV_FIELDS = [
    "cohort",
    "group",
    "status",
    "template",
    "number",
    "question",
    "title",
    "answered",
    "words",
    "images",
    "within_limits",
    "page",
]


def write_exports(archive: Archive, out_dir: Path, page_url: PageUrl) -> dict:
    """Write archive.json and answers.csv under `out_dir`; returns the JSON document."""
    doc = archive_document(archive, page_url)
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = out_dir / "archive.json.tmp"
    # compact: json's C encoder (indent would take the pure-Python one, 5x slower at 600 groups)
    tmp.write_text(json.dumps(doc, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    tmp.replace(out_dir / "archive.json")
    with (out_dir / "answers.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=CSV_FIELDS)
        writer.writeheader()
        for cohort in doc["cohorts"]:
            for group in cohort["groups"]:
                for a in group["answers"]:
                    writer.writerow(
                        {
                            "cohort": cohort["id"],
                            "group": group["group"],
                            "status": group["status"],
                            "template": group["template"],
                            "number": a["number"],
                            "question": a["question"],
                            "title": a["title"],
                            "answered": a["answered"],
                            "words": a["words"],
                            "images": a["images"],
                            "within_limits": a["within_limits"],
                            "page": f"{a['page']}#{a['anchor']}",
                        }
                    )
    return doc
