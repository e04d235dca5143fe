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
