"""Work with slack (the figure downloads, needed only after the pages) runs behind MkDocs and the indexer."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import pytest

from cohort_archive.background import BACKGROUND_NICE, lower_priority


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread nice values are Linux's")
def test_a_lowered_thread_and_its_git_processes_run_below_the_build_which_keeps_its_priority() -> None:
    def nice() -> int:
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    before = nice()
    seen: dict[str, int] = {}

    def work() -> None:
        lower_priority()
        seen["thread"] = nice()
        stat = subprocess.run(["cat", "/proc/self/stat"], capture_output=True, text=True, check=True).stdout
        seen["child"] = int(stat.rpartition(")")[2].split()[16])  # field 19 of proc(5): nice

    worker = threading.Thread(target=work)
    worker.start()
    worker.join()
    assert seen == {"thread": min(19, before + BACKGROUND_NICE), "child": min(19, before + BACKGROUND_NICE)}
    assert nice() == before


def test_figure_copies_run_in_a_small_worker_process_and_fall_back_to_this_one(tmp_path) -> None:
    from cohort_archive.fetch import FetchOptions, fetch_all
    from cohort_archive.fetch.copy import copy_all
    from cohort_archive.plugin import _in_worker, _narrowed
    from cohort_archive.roster import load_rosters
    from gitrepos import PNG, BareRepo, write_roster

    assert _in_worker(os.getpid) != os.getpid()
    assert _in_worker(lambda: "here") == "here"  # a job that cannot be pickled runs in this process

    repo = BareRepo.create(tmp_path / "g1.git")
    repo.commit({"reports/README.md": "# Report\n", "reports/figures/a.png": PNG, "src/x.py": "x = 1\n"})
    rosters, _ = load_rosters([write_roster(tmp_path / "2026-january.csv", [(1, repo.url)])])
    [snap] = fetch_all(rosters, FetchOptions(cache_dir=tmp_path / "cache", prefetch="report"))
    target = tmp_path / "figures" / "a.png"
    missing = {target: "reports/figures/a.png"}
    tree = _narrowed(snap, missing)
    assert tree.files() == ["reports/figures/a.png"]  # only what is copied goes to the worker
    assert _in_worker(copy_all, [(snap.key, tree, missing)], 2) == []
    assert target.read_bytes() == PNG
