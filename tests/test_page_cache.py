"""Unchanged generated pages are reused across builds, and the result is the same site."""

from __future__ import annotations

import filecmp
import shutil
from pathlib import Path

import pytest

from conftest import REPO, make_demo_repos, mkdocs_build

pytestmark = pytest.mark.slow


def _pages(site: Path) -> dict[str, Path]:
    return {str(p.relative_to(site)): p for p in site.rglob("*.html") if "pagefind" not in p.parts}


def test_second_build_reuses_pages_and_equals_a_fresh_build(tmp_path: Path) -> None:
    make_demo_repos()
    project = tmp_path / "project"
    shutil.copytree(REPO / "docs", project / "docs")
    config = (REPO / "mkdocs.yml").read_text()
    config = config.replace(
        "templates_dir: reports/templates", f"templates_dir: {REPO / 'reports' / 'templates'}"
    )
    config = config.replace(".cache/demo/repos/", str(REPO / ".cache" / "demo" / "repos") + "/")
    (project / "mkdocs.yml").write_text(config)
    env = {
        "COHORT_CACHE": str(tmp_path / "cache"),
        "COHORT_ROSTERS": str(REPO / "reports" / "demo" / "rosters"),
    }

    first = mkdocs_build(tmp_path / "first", env=env, strict=True, config=project / "mkdocs.yml")
    assert "unchanged pages reused" not in first.stderr
    second = mkdocs_build(tmp_path / "second", env=env, strict=True, config=project / "mkdocs.yml")
    assert "unchanged pages reused, 0 rendered" in second.stderr
    a, b = _pages(tmp_path / "first"), _pages(tmp_path / "second")
    assert a.keys() == b.keys()
    assert [k for k in a if not filecmp.cmp(a[k], b[k], shallow=False)] == []

    # an edit inside a hand-written page (title kept) leaves every generated page as it was
    about = project / "docs" / "about.md"
    about.write_text(about.read_text() + "\nA sentence added while serving.\n")
    edited = mkdocs_build(tmp_path / "edited", env=env, strict=True, config=project / "mkdocs.yml")
    assert "unchanged pages reused, 0 rendered" in edited.stderr
    assert "A sentence added while serving." in (tmp_path / "edited" / "about" / "index.html").read_text()

    # a hand-written page's new title changes the nav: every page is rendered again, with the new title
    about.write_text(about.read_text().replace("# About this archive", "# About the archive"))
    third = mkdocs_build(tmp_path / "third", env=env, strict=True, config=project / "mkdocs.yml")
    assert "unchanged pages reused" not in third.stderr
    assert "About the archive" in (tmp_path / "third" / "2025-january" / "index.html").read_text()


def test_parsed_reports_are_kept_per_registry_and_per_plugin_code(tmp_path: Path) -> None:
    from cohort_archive.plugin import _fingerprint

    templates, package = tmp_path / "templates", tmp_path / "package"
    (package / "parse").mkdir(parents=True)
    templates.mkdir()
    (templates / "2026-january.yml").write_text("id: 2026-january\n")
    (package / "parse" / "answer.py").write_text("A = 1\n")
    first = _fingerprint(templates, package)
    assert _fingerprint(templates, package) == first
    (package / "parse" / "answer.py").write_text("A = 2\n")  # a new version of the parser
    second = _fingerprint(templates, package)
    assert second != first
    (templates / "2026-january.yml").write_text("id: 2026-january\ntitle: x\n")
    assert _fingerprint(templates, package) not in (first, second)
