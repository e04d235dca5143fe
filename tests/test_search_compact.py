"""Short fragment names in a Pagefind bundle (search/compact.py), on bundles the real Pagefind wrote."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest

from cohort_archive.search.bundles import INDEX_CONFIG
from cohort_archive.search.compact import base36, compact_fragment_names, decode
from cohort_archive.search.pagefind import PagefindService, bundle_problems, pagefind_binary

WORDS = [
    "docker",
    "compose",
    "vertex",
    "cloud",
    "run",
    "bucket",
    "trigger",
    "registry",
    "monitoring",
    "drift",
    "latency",
]


def write_bundle(folder: Path, records: int) -> Path:
    if pagefind_binary() is None:
        pytest.skip("the Pagefind binary is not installed (pip install 'pagefind[bin]')")
    with PagefindService(INDEX_CONFIG) as service:
        for n in range(records):
            words = " ".join(WORDS[(n * 7 + k) % len(WORDS)] for k in range(5 + n % 40))
            service.add_record(
                url=f"/groups/{n // 20}/#q{n % 20}",
                content=f"answer {n} {words}",
                meta={"title": f"Group {n // 20} Q{n % 20}"},
                filters={"group": [str(n // 20)]},
                language="en",
            )
        service.write(folder)
    return folder


def meta_of(bundle: Path) -> tuple[Path, list]:
    entry = json.loads((bundle / "pagefind-entry.json").read_text())
    path = bundle / f"pagefind.{entry['languages']['en']['hash']}.pf_meta"
    return path, decode(path.read_bytes())  # type: ignore[return-value]


def fragment_urls(bundle: Path) -> dict[str, str]:
    """Fragment name -> the URL it holds."""
    return {
        p.name.removesuffix(".pf_fragment"): json.loads(decode_raw(p))["url"]
        for p in (bundle / "fragment").iterdir()
    }


def decode_raw(path: Path) -> bytes:
    return gzip.decompress(path.read_bytes())[len(b"pagefind_dcd") :]


def test_base36_counts_up() -> None:
    assert [base36(n) for n in (0, 9, 10, 35, 36, 1295)] == ["0", "9", "a", "z", "10", "zz"]


def test_fragments_get_short_names_and_every_page_keeps_its_fragment(tmp_path: Path) -> None:
    bundle = write_bundle(tmp_path / "b", 400)
    meta_path, before = meta_of(bundle)
    urls_before = [fragment_urls(bundle)[name] for name, _ in before[1]]
    size_before = meta_path.stat().st_size

    assert compact_fragment_names(bundle, salt="main")

    new_path, after = meta_of(bundle)
    assert not meta_path.exists() and new_path.is_file()
    names = [name for name, _ in after[1]]
    assert len(set(names)) == len(names) == 400
    assert all(re.fullmatch(r"en_[0-9a-z]{5}[0-9a-z]{1,2}", n) for n in names)
    # the same pages in the same order (the index refers to them by position), each with its own fragment
    assert [fragment_urls(bundle)[n] for n in names] == urls_before
    assert [wc for _, wc in after[1]] == [wc for _, wc in before[1]]
    assert after[0] == before[0] and after[2:] == before[2:]
    assert bundle_problems(bundle) == []
    assert new_path.stat().st_size < 0.7 * size_before, (new_path.stat().st_size, size_before)


def test_bundles_of_one_site_get_different_names(tmp_path: Path) -> None:
    """Hits from merged bundles are told apart by fragment name."""
    a = write_bundle(tmp_path / "a", 30)
    b = tmp_path / "b"
    b.mkdir()
    for path in a.rglob("*"):  # the same records in a second bundle
        target = b / path.relative_to(a)
        target.parent.mkdir(parents=True, exist_ok=True)
        if path.is_file():
            target.write_bytes(path.read_bytes())
    assert compact_fragment_names(a, salt="") and compact_fragment_names(b, salt="cohorts/2024-january/")
    assert not {n for n, _ in meta_of(a)[1][1]} & {n for n, _ in meta_of(b)[1][1]}


def test_a_bundle_in_an_unknown_form_is_left_as_it_was(tmp_path: Path) -> None:
    bundle = write_bundle(tmp_path / "b", 5)
    meta_path, _ = meta_of(bundle)
    meta_path.write_bytes(b"something else")
    before = {p: p.read_bytes() for p in bundle.rglob("*") if p.is_file()}
    assert not compact_fragment_names(bundle)
    assert {p: p.read_bytes() for p in bundle.rglob("*") if p.is_file()} == before

    missing = write_bundle(tmp_path / "m", 5)
    next((missing / "fragment").iterdir()).unlink()  # a page without its fragment: rename nothing
    before = {p: p.read_bytes() for p in missing.rglob("*") if p.is_file()}
    assert not compact_fragment_names(missing)
    assert {p: p.read_bytes() for p in missing.rglob("*") if p.is_file()} == before
