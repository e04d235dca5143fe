"""Figure resolution over the real corpus (../shared/corpus), checked against MANIFEST.tsv.

For each group the whole `reports/README.md` at HEAD is scanned, minus the course template's own text
(lines that appear verbatim in a template README, i.e. the prompts' `[this figure](figures/wandb.png)`
examples). Counts are compared with the MANIFEST note "image refs: R resolvable, U unresolvable,
E external", read the way GitHub shows the report: resolvable = status "resolved" found where the
report says; unresolvable = missing + unsafe + case-mismatch + paths that only resolve from the repo
root (we still show the last two, and report them as problems).

Where our count differs from MANIFEST, DEVIATIONS says why, and `test_manifest_script_view` checks that
explanation: the MANIFEST script counted images inside code and skipped every link titled
"this figure"; recounting that way reproduces every MANIFEST number.
"""

from __future__ import annotations

import csv
import functools
import re
import subprocess
from pathlib import Path

import pytest

from cohort_archive.figures import apply_figures, figure_files, find_image_refs, find_links, summarize
from cohort_archive.figures.refs import ImageRef, find_code_image_refs
from cohort_archive.figures.resolve import ROOT_FALLBACK_NOTE, TreeIndex, locate_image, parse_repo_url
from cohort_archive.figures.rewrite import unwrap_code_images
from cohort_archive.model import Report
from conftest import shared_dir

pytestmark = pytest.mark.corpus

CORPUS = shared_dir() / "corpus"
TEMPLATES = shared_dir() / "templates"
REPORT = "reports/README.md"
NOTE = re.compile(r"image refs: (\d+) resolvable, (\d+) unresolvable, (\d+) external \(of (\d+)\)")

# (cohort, group) -> (resolvable, unresolvable, external) as we count them, and why MANIFEST differs.
DEVIATIONS: dict[tuple[str, int], tuple[tuple[int, int, int], str]] = {
    ("2023-january", 1): (
        (1, 0, 0),
        "Q19's answer is a copy of the template's example link `[this figure](figures/bucket.png)`, "
        "a plain link to a committed image; the MANIFEST script skipped links titled 'this figure'",
    ),
    ("2023-january", 40): (
        (7, 0, 0),
        "two of the group's own plain links are titled 'this figure' (figures/pytestFail.png, "
        "figures/pytestPass.png); the MANIFEST script skipped them",
    ),
    ("2023-january", 41): (
        (6, 0, 0),
        "figures/cloud_bucket.png is written inside a ```markdown fence: code, not an image",
    ),
    ("2024-january", 100): (
        (8, 0, 0),
        "the 7 unresolvable `figures/<name>.<png>` placeholders all sit inside ```markdown fences",
    ),
}


def _rows() -> list[dict[str, str]]:
    manifest = CORPUS / "MANIFEST.tsv"
    if not manifest.is_file() or not (TEMPLATES).is_dir():
        return []
    with manifest.open(newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


ROWS = _rows()
SKIP = pytest.mark.skip(reason=f"real corpus or templates not available under {shared_dir()}")


def by_group(test):
    """Parametrize a test over the MANIFEST rows, or skip it with the reason when there is no corpus."""
    if not ROWS:
        return pytest.mark.parametrize("row", [pytest.param(None, marks=SKIP)])(test)
    ids = [f"{r['cohort']}/{r['group_number']}" for r in ROWS]
    return pytest.mark.parametrize("row", ROWS, ids=ids)(test)


class GitTree:
    """A RepoTree over a bare repo at HEAD, straight from `git ls-tree` / `git cat-file` (test-only)."""

    def __init__(self, git_dir: Path) -> None:
        self.git_dir = git_dir
        out = self._git("ls-tree", "-r", "-z", "--full-tree", "HEAD")
        self._blobs: dict[str, str] = {}
        self._links: set[str] = set()
        for record in out.split(b"\0"):
            if not record:
                continue
            meta, path = record.split(b"\t", 1)
            mode, kind, sha = meta.decode().split()
            if mode == "120000":
                self._links.add(path.decode())
            elif kind == "blob":
                self._blobs[path.decode()] = sha

    def _git(self, *args: str) -> bytes:
        return subprocess.run(
            ["git", "--git-dir", str(self.git_dir), *args], capture_output=True, check=True
        ).stdout

    def read(self, path: str) -> bytes | None:
        sha = self._blobs.get(path)
        return None if sha is None else self._git("cat-file", "blob", sha)

    def is_symlink(self, path: str) -> bool:
        return path in self._links

    def files(self) -> list[str]:
        return sorted(self._blobs)


_TEMPLATE_LINES: set[str] = set()


def template_lines() -> set[str]:
    if not _TEMPLATE_LINES:
        for readme in TEMPLATES.glob("*/README.md"):
            _TEMPLATE_LINES.update(line.strip() for line in readme.read_text().splitlines() if line.strip())
    return _TEMPLATE_LINES


def load(row: dict[str, str]) -> tuple[GitTree, str]:
    return _load(row["repo_url"])


@functools.cache
def _load(repo_url: str) -> tuple[GitTree, str]:
    owner, name = repo_url.rstrip("/").split("/")[-2:]
    tree = GitTree(CORPUS / "repos" / "github.com" / owner / f"{name}.git")
    data = tree.read(REPORT)
    assert data is not None, f"{repo_url} has no {REPORT}"
    return tree, data.decode()


def own_refs(markdown: str, refs: list[ImageRef]) -> list[ImageRef]:
    """The references that are not the template's own text."""
    lines = markdown.splitlines()
    skip = template_lines()
    return [r for r in refs if lines[markdown.count("\n", 0, r.start)].strip() not in skip]


def github_view(refs: list[ImageRef], tree: GitTree, repo_url: str) -> tuple[int, int, int]:
    """(resolvable, unresolvable, external) the way GitHub would show these references."""
    index, repo = TreeIndex(tree), parse_repo_url(repo_url)
    counts = {"ok": 0, "bad": 0, "external": 0}
    for ref in refs:
        loc = locate_image(ref.ref, index, REPORT, repo)
        if loc.status == "external":
            counts["external"] += 1
        elif loc.status == "file" and not loc.case_mismatch and loc.note != ROOT_FALLBACK_NOTE:
            counts["ok"] += 1
        else:
            counts["bad"] += 1
    return counts["ok"], counts["bad"], counts["external"]


def manifest_counts(row: dict[str, str]) -> tuple[int, int, int, int]:
    m = NOTE.search(row["notes"])
    assert m, f"no image-ref counts in the notes of {row['repo_url']}"
    return tuple(int(g) for g in m.groups())  # type: ignore[return-value]


@by_group
def test_figure_counts_match_manifest(row):
    tree, markdown = load(row)
    key = (row["cohort"], int(row["group_number"]))
    resolvable, unresolvable, external, total = manifest_counts(row)
    assert resolvable + unresolvable + external == total

    shown, _ = unwrap_code_images(markdown)  # `![a](x.png)` alone in inline code counts, as in report.py
    refs = own_refs(shown, find_image_refs(shown))
    got = github_view(refs, tree, row["repo_url"])
    expected = DEVIATIONS[key][0] if key in DEVIATIONS else (resolvable, unresolvable, external)
    assert got == expected, f"{key}: got {got}, expected {expected}"
    if key not in DEVIATIONS:
        assert len(refs) == total


@by_group
def test_manifest_script_view(row):
    """Counting images in code and dropping 'this figure' links reproduces MANIFEST, deviations included."""
    tree, markdown = load(row)
    refs = own_refs(markdown, find_image_refs(markdown))
    refs = [r for r in refs if not markdown.startswith("[this figure](", r.start)]
    refs += find_code_image_refs(markdown)
    resolvable, unresolvable, external, _ = manifest_counts(row)
    assert github_view(refs, tree, row["repo_url"]) == (resolvable, unresolvable, external)


@by_group
def test_plain_link_and_tag_counts_match_notes(row):
    """The notes' "[N plain links to images]", "[N <img> tags]" and "[N %20 paths]" agree with our kinds."""
    _, markdown = load(row)
    key = (row["cohort"], int(row["group_number"]))
    refs = own_refs(markdown, find_image_refs(markdown))
    kinds = [r.kind for r in refs]
    links = re.search(r"(\d+) plain links to images", row["notes"])
    extra = {("2023-january", 40): 2, ("2023-january", 1): 1}.get(key, 0)  # see DEVIATIONS
    assert kinds.count("link") == (int(links.group(1)) if links else 0) + extra
    tags = re.search(r"(\d+) <img> tags", row["notes"])
    assert kinds.count("html") == (int(tags.group(1)) if tags else 0)
    pct = re.search(r"(\d+) %20 paths", row["notes"])
    assert sum("%20" in r.ref for r in refs) == (int(pct.group(1)) if pct else 0)
    angle = re.search(r"(\d+) <angle-bracket> paths", row["notes"])
    angled = sum(markdown[r.start : r.end].endswith(">)") for r in refs if r.kind == "markdown")
    assert angled == (int(angle.group(1)) if angle else 0)


@by_group
def test_rewriting_the_whole_report(row):
    """apply_figures over the whole README: no relative link survives, copies exist, problems are raised."""
    tree, markdown = load(row)
    key = (row["cohort"], int(row["group_number"]))
    base = "@@ROOT@@/figures/test"
    report = Report(template=None, free_form_markdown=markdown)
    apply_figures(report, tree, repo_url=row["repo_url"], commit="0" * 40, figure_base=base, group=str(key))
    out = report.free_form_markdown or ""

    for link in find_links(out):
        if link.syntax in ("inline", "html", "autolink"):
            assert re.match(r"^(https?:|mailto:|#|@@ROOT@@/)", link.dest.strip().lstrip("<")), link.dest

    files = set(tree.files())
    copies = figure_files(report)
    assert all(path in files and not tree.is_symlink(path) for path in copies.values())
    assert len(set(copies)) == len(copies)

    summary = summarize(report.figures)
    markers = out.count('class="ca-missing-figure')
    assert markers == len(summary["missing"])
    messages = [p.message for p in report.problems]
    if key == ("2023-january", 26):
        assert summary["case_mismatch"] == 1
        assert any("WanDB-Metrices.png" in m and "ignoring case" in m for m in messages)
    if key == ("2026-january", 10):
        assert any("api_load_test.png" in m and "repository root" in m for m in messages)
    if key == ("2026-january", 36):
        assert sum("inline code, shown as an image" in m for m in messages) == 6
        assert summary["resolved"] == 6
