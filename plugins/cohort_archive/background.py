"""Work with slack, run behind the build: a lower CPU priority for the threads (and the processes they
start) that do it. Linux only: there the nice value belongs to the thread; elsewhere it would be the whole
build's, so nothing changes."""

from __future__ import annotations

import contextlib
import os
import sys
import threading

BACKGROUND_NICE = 10  # how much lower the figure downloads run than MkDocs and the search indexer


def lower_priority() -> None:
    """Run the calling thread, and the processes it starts, at a lower CPU priority (see the module)."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError):
        me = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, me, min(19, os.getpriority(os.PRIO_PROCESS, me) + BACKGROUND_NICE))
