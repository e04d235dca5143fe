"""Figures stored with Git LFS: told by .gitattributes, shown from GitHub's raw address, never copied as pointers."""

from __future__ import annotations

import subprocess
from pathlib import Path

from fixtures.parse.factory import render

from cohort_archive.archive import ReportCache, build_archive
from cohort_archive.fetch import FetchOptions, fetch_all
from cohort_archive.figures import apply_figures, figure_files, summarize
from cohort_archive.figures.lfs import attribute_files, is_pointer, lfs_rule, raw_url
from cohort_archive.model import ListingTree, Report
from cohort_archive.registry import load_registry
from cohort_archive.roster import load_rosters
from conftest import REPO
from gitrepos import PNG, BareRepo, write_roster

REGISTRY = load_registry(REPO / "reports" / "templates")
POINTER = (
    b"version https://git-lfs.github.com/spec/v1\n"
    b"oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n"
)
ATTRIBUTES = b"# images in LFS\n*.png filter=lfs diff=lfs merge=lfs -text\n*.csv filter=lfs\n"


def test_which_attribute_files_count() -> None:
    files = [
        ".gitattributes",
        "reports/.gitattributes",
        "reports/figures/.gitattributes",
        "data/.gitattributes",
        "reportsX/.gitattributes",
        "reports/README.md",
    ]
    assert attribute_files(files, "reports") == [
        ".gitattributes",
        "reports/.gitattributes",
        "reports/figures/.gitattributes",
    ]
    assert attribute_files(files, None) == [".gitattributes"]


def test_patterns_as_git_reads_them() -> None:
    stored = lfs_rule(
        {
            ".gitattributes": b"*.png filter=lfs\n/docs/*.jpg filter=lfs\nassets/**/*.gif filter=lfs\n",
            "reports/.gitattributes": b"figures/keep.png -filter\nraw/ filter=lfs\n*.svg filter=lfs\n",
            "reports/figures/.gitattributes": b"plain.png !filter\nbig?.png filter=lfs\n",
        }
    )
    assert stored("reports/figures/loss.png")  # a name pattern matches at any depth
    assert not stored("reports/figures/keep.png")  # a later file unsets it
    assert not stored("reports/figures/plain.png")
    assert stored("reports/figures/big1.png")
    assert stored("docs/a.jpg") and not stored("reports/docs/a.jpg")  # anchored at the root
    assert stored("assets/gif.gif") and stored("assets/a/b/c.gif")
    assert stored("reports/x/y.svg") and not stored("other/y.svg")  # only below its own folder
    assert not stored("reports/raw/data.bin")  # a folder pattern matches no file
    assert not stored("reports/figures/loss.jpg")
    assert not lfs_rule({})("reports/figures/loss.png")
    assert not lfs_rule({".gitattributes": None})("x.png")


def test_pointers_and_raw_urls() -> None:
    assert is_pointer(POINTER) and not is_pointer(PNG)
    assert raw_url("o", "r", "abc", "reports/figures/W&B loss.png") == (
        "https://github.com/o/r/raw/abc/reports/figures/W%26B%20loss.png"
    )


def _with_lfs(markdown: str, files: list[str], repo_url: str) -> Report:
    """`apply_figures` on a free-form report over `files`, with every PNG in LFS (ATTRIBUTES)."""
    return apply_figures(
        Report(template=None, free_form_markdown=markdown),
        ListingTree(["reports/README.md", *files]),
        repo_url=repo_url,
        commit="c0ffee",
        figure_base="@@ROOT@@/f",
        lfs=lfs_rule({".gitattributes": ATTRIBUTES}),
    )


def test_an_lfs_figure_is_shown_from_github_and_not_copied() -> None:
    report = _with_lfs(
        "![loss](figures/loss.png)\n\n![arch](figures/arch.jpg)\n",
        ["reports/figures/loss.png", "reports/figures/arch.jpg"],
        "https://github.com/o/r",
    )
    text = report.free_form_markdown or ""
    assert "![loss](https://github.com/o/r/raw/c0ffee/reports/figures/loss.png)" in text
    assert "![arch](@@ROOT@@/f/figures-arch.jpg)" in text
    assert figure_files(report) == {"figures-arch.jpg": "reports/figures/arch.jpg"}
    assert summarize(report.figures)["lfs"] == 1 and summarize(report.figures)["resolved"] == 2
    assert any("Git LFS" in p.message and p.severity == "info" for p in report.problems)


def test_an_lfs_figure_off_github_is_reported_missing() -> None:
    report = _with_lfs("![loss](figures/loss.png)\n", ["reports/figures/loss.png"], "https://gitlab.com/o/r")
    assert 'class="ca-missing-figure' in (report.free_form_markdown or "")
    assert figure_files(report) == {}
    assert any("stored with Git LFS, which only GitHub can show" in p.message for p in report.problems)


def test_from_a_real_repository(tmp_path: Path) -> None:
    report = render(REGISTRY.template("2025-january"), {20: "![registry](figures/registry.png)"})
    repo = BareRepo.create(tmp_path / "g1.git")
    commit = repo.commit(
        {
            ".gitattributes": ATTRIBUTES.decode(),
            "reports/README.md": report,
            "reports/figures/registry.png": POINTER,
        }
    )
    roster = write_roster(tmp_path / "2025-january.csv", [(1, "https://github.com/lfs-org/g1.git")])
    rosters, _ = load_rosters([roster])
    options = FetchOptions(
        cache_dir=tmp_path / "cache",
        workers=1,
        prefetch="report",
        url_rewrites={"https://github.com/lfs-org/": f"file://{tmp_path}/"},
    )
    snaps = fetch_all(rosters, options)
    # the .gitattributes came with the report, in the same request; the figure (a pointer) did not
    (cached,) = [p for p in (tmp_path / "cache" / "repos").iterdir() if p.name.endswith(".git")]
    missing = subprocess.run(
        ["git", "rev-list", "--objects", "--missing=print", "--all"],
        cwd=cached,
        capture_output=True,
        text=True,
    ).stdout
    absent = {line[1:] for line in missing.split() if line.startswith("?")}
    assert repo.blob(commit, ".gitattributes") not in absent
    assert repo.blob(commit, "reports/figures/registry.png") in absent
    archive = build_archive(rosters, snaps, REGISTRY, ReportCache(None, "test"))
    (group,) = archive.groups()
    assert group.report is not None
    q20 = group.report.answer(20)
    url = f"https://github.com/lfs-org/g1/raw/{commit}/reports/figures/registry.png"
    assert q20 is not None and url in q20.markdown
    assert figure_files(group.report) == {}


def test_a_pointer_no_attribute_announced_is_not_copied_as_an_image(tmp_path: Path) -> None:
    from cohort_archive.fetch.copy import copy_files

    tree = ListingTree(
        ["reports/figures/x.png", "reports/figures/y.png"],
        contents={"reports/figures/x.png": POINTER, "reports/figures/y.png": PNG},
    )
    x, y = tmp_path / "x.png", tmp_path / "y.png"
    notes = copy_files("2025-january/7", tree, {x: "reports/figures/x.png", y: "reports/figures/y.png"})
    assert [str(n) for n in notes] == [
        "2025-january/7: reports/figures/x.png is a Git LFS pointer, not an image; not copied"
    ]
    assert [(n.repo_path, n.refused) for n in notes] == [("reports/figures/x.png", "lfs")]
    assert not x.exists() and y.read_bytes() == PNG
