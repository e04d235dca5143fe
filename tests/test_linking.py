"""Cached files go into the site as hard links, or as copies where links cannot be made."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from cohort_archive.linking import link_or_copy, link_tree


def test_a_file_is_linked_and_replaces_what_was_there(tmp_path: Path) -> None:
    source = tmp_path / "cache" / "page.html"
    source.parent.mkdir()
    source.write_text("new")
    target = tmp_path / "site" / "deep" / "page.html"
    target.parent.mkdir(parents=True)
    target.write_text("old")
    link_or_copy(source, target)
    assert target.read_text() == "new"
    assert os.path.samefile(source, target)


def test_a_file_is_copied_across_file_systems(tmp_path: Path) -> None:
    if not Path("/dev/shm").is_dir() or os.stat("/dev/shm").st_dev == tmp_path.stat().st_dev:
        pytest.skip("needs a second file system (/dev/shm) to make a hard link fail")
    source = tmp_path / "figure.png"
    source.write_bytes(b"\x89PNG")
    with tempfile.TemporaryDirectory(dir="/dev/shm") as other:
        target = Path(other) / "site" / "figure.png"
        link_or_copy(source, target)
        assert target.read_bytes() == b"\x89PNG"
        assert not os.path.samefile(source, target)


def test_a_folder_is_merged_into_the_target_by_links(tmp_path: Path) -> None:
    bundle = tmp_path / "bundle"
    (bundle / "fragment").mkdir(parents=True)
    (bundle / "pagefind.js").write_text("js")
    (bundle / "fragment" / "a.pf_fragment").write_bytes(b"a")
    site = tmp_path / "site" / "pagefind"
    (site / "fragment").mkdir(parents=True)
    (site / "fragment" / "a.pf_fragment").write_bytes(b"stale")
    (site / "kept.txt").write_text("kept")
    link_tree(bundle, site)
    assert (site / "fragment" / "a.pf_fragment").read_bytes() == b"a"
    assert os.path.samefile(bundle / "pagefind.js", site / "pagefind.js")
    assert (site / "kept.txt").read_text() == "kept"
