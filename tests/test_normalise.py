"""The core pipeline on real git repos: fetch -> normalise -> archive, no MkDocs."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from fixtures.parse.factory import render

from cohort_archive.archive import ReportCache, build_archive
from cohort_archive.fetch import FetchOptions, fetch_all
from cohort_archive.registry import load_registry
from cohort_archive.roster import load_rosters
from conftest import REPO
from gitrepos import BareRepo, write_roster

REGISTRY = load_registry(REPO / "reports" / "templates")


def _archive(tmp_path: Path, repos: dict[int, BareRepo], cohort: str):
    roster = write_roster(tmp_path / f"{cohort}.csv", [(n, r.url) for n, r in repos.items()])
    rosters, _ = load_rosters([roster])
    snaps = fetch_all(rosters, FetchOptions(cache_dir=tmp_path / "cache", workers=2, prefetch="report"))
    return build_archive(rosters, snaps, REGISTRY, ReportCache(None, "test"))


@pytest.mark.parametrize(
    ("first_commit", "expected"), [("2023-01-10", "2023-january"), ("2024-01-10", "2024-january")]
)
def test_identical_template_versions_are_told_apart_by_the_reports_first_commit(
    tmp_path: Path, first_commit: str, expected: str
) -> None:
    # 2023 and 2024 ask the same questions; without the wording markers only the history can tell
    bare = dataclasses.replace(REGISTRY.template("2023-january"), markers=())
    text = render(bare)
    repo = BareRepo.create(tmp_path / "reused.git")
    repo.commit({"reports/README.md": text}, date=f"{first_commit}T12:00:00+01:00")
    repo.commit({"reports/README.md": text + "\nEdited again in 2025.\n"}, date="2025-01-20T12:00:00+01:00")
    archive = _archive(tmp_path, {61: repo}, "2025-january")
    (group,) = archive.groups()
    assert group.snapshot.status == "ok"
    assert group.report is not None and group.report.template == expected


def test_a_failing_report_never_loses_the_others(tmp_path: Path) -> None:
    good = BareRepo.create(tmp_path / "good.git")
    good.commit({"reports/README.md": render(REGISTRY.template("2025-january"))})
    empty = BareRepo.create(tmp_path / "empty.git")
    empty.commit({"README.md": "no report here"})
    archive = _archive(tmp_path, {1: good, 2: empty}, "2025-january")
    status = {g.number: g.snapshot.status for g in archive.groups()}
    assert status == {1: "ok", 2: "no-report"}
    assert archive.rendered["2025-january/1"].answers


def test_reports_normalised_while_fetching_equal_those_normalised_after(tmp_path: Path) -> None:
    """The plugin's path: a Normaliser parses each report in a worker as soon as it is fetched."""
    from cohort_archive.archive import Normaliser

    repos = {}
    for n in range(1, 11):
        repo = BareRepo.create(tmp_path / f"g{n}.git")
        version = ("2024-january", "2025-january")[n % 2]
        repo.commit(
            {"reports/README.md": render(REGISTRY.template(version))}, date="2025-01-20T12:00:00+01:00"
        )
        repos[n] = repo
    empty = BareRepo.create(tmp_path / "empty.git")
    empty.commit({"README.md": "no report here"})
    repos[11] = empty
    roster = write_roster(tmp_path / "2025-january.csv", [(n, r.url) for n, r in repos.items()])
    rosters, _ = load_rosters([roster])
    options = FetchOptions(cache_dir=tmp_path / "cache", workers=4, prefetch="images")
    cache = ReportCache(None, "test")
    with Normaliser(REGISTRY, cache, workers=2, expected=11) as normaliser:
        snaps = fetch_all(rosters, options, on_snapshot=normaliser.submit)
        early = normaliser.results()
    assert len(early) == 10  # every report but the missing one, parsed in the workers
    streamed = build_archive(rosters, snaps, REGISTRY, cache, normalised=early)
    after = build_archive(rosters, snaps, REGISTRY, ReportCache(None, "test"))
    assert [g.snapshot.status for g in streamed.groups()] == [g.snapshot.status for g in after.groups()]
    assert [g.report for g in streamed.groups()] == [g.report for g in after.groups()]
    assert streamed.rendered == after.rendered


def test_a_report_at_a_near_miss_path_resolves_its_figures_from_its_own_folder(tmp_path: Path) -> None:
    from cohort_archive.figures import figure_files
    from gitrepos import PNG

    text = render(REGISTRY.template("2025-january"), {20: "![bucket](figures/bucket.png)"})
    repo = BareRepo.create(tmp_path / "g3.git")
    repo.commit({"Reports/README.md": text, "Reports/figures/bucket.png": PNG})
    archive = _archive(tmp_path, {3: repo}, "2025-january")
    (group,) = archive.groups()
    assert group.snapshot.report_path == "Reports/README.md" and group.report is not None
    assert group.report.template == "2025-january"
    assert figure_files(group.report) == {"figures-bucket.png": "Reports/figures/bucket.png"}
    assert any(p.message.startswith("the report is at Reports/README.md") for p in group.problems)
