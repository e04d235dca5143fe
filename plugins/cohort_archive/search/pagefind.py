"""A small synchronous client for the Pagefind binary's `--service` mode.

The `pagefind` Python package ships the binary (through `pagefind[bin]`) and an asyncio client, but that
client reads one response per 0.1 s poll, so adding ~20 000 records takes over half an hour. This client
speaks the same protocol (base64 JSON messages, each ended by a comma) with a reader thread, so requests
are pipelined and the cost is Pagefind's own indexing time.
"""

from __future__ import annotations

import base64
import contextlib
import gzip
import json
import os
import shutil
import subprocess
import threading
import time
import zlib
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

# Word positions per index chunk (the browser loads the chunk holding each query word): Pagefind's default,
# which only this environment variable changes (Pagefind calls it unstable; unknown to a later version, it is
# ignored and the default applies).
INDEX_CHUNK_SIZE = 20_000
INDEX_CHUNK_SIZE_ENV = "PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE"


class PagefindError(RuntimeError):
    """The Pagefind binary is missing or died."""


class PagefindRecordError(PagefindError):
    """Pagefind refused one request (the others go on)."""


def pagefind_binary() -> Path | None:
    """The Pagefind executable: `PAGEFIND_BINARY_PATH`, the `pagefind_bin` wheel, or one on PATH."""
    try:
        from pagefind.service import get_executable  # the package's own lookup, same order
    except ImportError:  # pragma: no cover - pagefind is a dependency
        env = os.environ.get("PAGEFIND_BINARY_PATH")
        return Path(env) if env else None
    return get_executable()


def one_cpu() -> set[int] | None:
    """The last CPU this thread may use, when it may use more than one (else None: no pinning).

    Pagefind runs about a dozen threads; spread over the cores they spend much of their time waking each
    other and flushing each other's memory mappings. On one core the same index takes 10-15 % less CPU
    (measured on 2 cores), and the other core is left to MkDocs.
    """
    if not hasattr(os, "sched_getaffinity"):  # pragma: no cover - not Linux
        return None
    cpus = os.sched_getaffinity(0)
    return {max(cpus)} if len(cpus) > 1 else None


@contextlib.contextmanager
def _started_on(cpus: set[int] | None) -> Iterator[None]:
    """Processes started in this block run on `cpus`: a child inherits the CPU mask of the thread that
    starts it, so this thread takes that mask while it starts them, then gets its own back."""
    if not cpus or not hasattr(os, "sched_setaffinity"):
        yield
        return
    before = os.sched_getaffinity(0)
    try:
        os.sched_setaffinity(0, cpus)
    except OSError:  # a CPU we may not use: start it anywhere
        yield
        return
    try:
        yield
    finally:
        os.sched_setaffinity(0, before)


class PagefindService:
    """One `pagefind --service` process holding one index. Use as a context manager.

    `add_record` and `add_html` only queue a request; `write` waits for all of them and returns the
    errors Pagefind reported for individual records (a bad record never stops the others).
    """

    def __init__(
        self,
        config: Mapping[str, Any] | None = None,
        *,
        binary: Path | None = None,
        env: Mapping[str, str] | None = None,
        cpus: set[int] | None = None,
    ) -> None:
        """`env`: extra environment variables for the Pagefind process (e.g. `INDEX_CHUNK_SIZE_ENV`);
        `cpus`: the CPUs it may run on (None: any)."""
        binary = binary or pagefind_binary()
        if binary is None or not Path(binary).exists():
            raise PagefindError("the Pagefind binary was not found (install `pagefind[bin]`)")
        with _started_on(cpus):
            self._proc = subprocess.Popen(
                [str(binary), "--service"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env={**os.environ, **env} if env else None,
            )
        self._responses: dict[int, dict[str, Any]] = {}
        self._cond = threading.Condition()
        self._closed = False
        self._next_id = 0
        self._pending: list[tuple[int, str, str]] = []  # (message id, kind, url) of queued records
        self._reader = threading.Thread(target=self._read, name="pagefind-reader", daemon=True)
        self._reader.start()
        response = self._wait(self._send({"type": "NewIndex", "config": dict(config or {})}))
        self._index = int(response["index_id"])

    # -- protocol ------------------------------------------------------------------------------------

    def _read(self) -> None:
        assert self._proc.stdout is not None
        buffer = b""
        while True:
            chunk = self._proc.stdout.read1(1 << 16)
            if not chunk:
                break
            buffer += chunk
            *messages, buffer = buffer.split(b",")
            decoded = []
            for message in messages:
                if message.strip():
                    decoded.append(json.loads(base64.b64decode(message)))
            with self._cond:
                for item in decoded:
                    payload = item.get("payload") or {}
                    message_id = item.get("message_id")
                    if message_id is None and payload.get("original_message"):
                        try:
                            message_id = json.loads(payload["original_message"]).get("message_id")
                        except (ValueError, AttributeError):
                            message_id = None
                    if message_id is not None:
                        self._responses[int(message_id)] = payload
                self._cond.notify_all()
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def _send(self, payload: dict[str, Any]) -> int:
        self._next_id += 1
        message = {"message_id": self._next_id, "payload": payload}
        assert self._proc.stdin is not None
        try:
            self._proc.stdin.write(base64.b64encode(json.dumps(message).encode("utf-8")) + b",")
        except BrokenPipeError as exc:
            raise PagefindError("the Pagefind process exited") from exc
        return self._next_id

    def _wait(self, message_id: int) -> dict[str, Any]:
        assert self._proc.stdin is not None
        try:
            self._proc.stdin.flush()
        except BrokenPipeError as exc:
            raise PagefindError("the Pagefind process exited") from exc
        with self._cond:
            self._cond.wait_for(lambda: message_id in self._responses or self._closed)
            if message_id not in self._responses:
                raise PagefindError("the Pagefind process exited before answering")
            response = self._responses.pop(message_id)
        if response.get("type") == "Error":
            raise PagefindRecordError(str(response.get("message")))
        return response

    # -- API -----------------------------------------------------------------------------------------

    def add_record(
        self,
        *,
        url: str,
        content: str,
        meta: Mapping[str, str] | None = None,
        filters: Mapping[str, Sequence[str]] | None = None,
        sort: Mapping[str, str] | None = None,
        language: str = "en",
    ) -> None:
        """Queue a custom record (plain text content; Pagefind does not alter the URL)."""
        message_id = self._send(
            {
                "type": "AddRecord",
                "index_id": self._index,
                "url": url,
                "content": content,
                "language": language,
                "meta": dict(meta or {}),
                "filters": {k: list(v) for k, v in (filters or {}).items()},
                "sort": dict(sort) if sort else None,
            }
        )
        self._pending.append((message_id, "record", url))

    def add_html(self, *, url: str, html: str) -> None:
        """Queue a built HTML page; Pagefind applies the index config (`root_selector`, ...)."""
        message_id = self._send(
            {"type": "AddFile", "index_id": self._index, "url": url, "file_contents": html, "file_path": None}
        )
        self._pending.append((message_id, "html", url))

    def flush(self) -> None:
        """Hand every queued request to Pagefind now (they are processed while the caller goes on)."""
        assert self._proc.stdin is not None
        try:
            self._proc.stdin.flush()
        except BrokenPipeError as exc:
            raise PagefindError("the Pagefind process exited") from exc

    def write(self, output_path: Path, *, attempts: int = 3) -> tuple[dict[str, int], list[str]]:
        """Wait for every queued request, then write the bundle and check it.

        Pagefind answers WriteFiles before its last file writes have landed (tokio files are not flushed),
        so the bundle is checked once the folder stops changing, and written again if a file is cut short.
        Returns how many were indexed by kind ("record", "html") and the errors of those refused.
        """
        errors: list[str] = []
        indexed = {"record": 0, "html": 0}
        for message_id, kind, url in self._pending:
            try:
                self._wait(message_id)
                indexed[kind] += 1
            except PagefindRecordError as exc:
                errors.append(f"{url}: {exc}")
        self._pending.clear()
        problems: list[str] = []
        for _ in range(attempts):
            shutil.rmtree(output_path, ignore_errors=True)
            self._wait(
                self._send({"type": "WriteFiles", "index_id": self._index, "output_path": str(output_path)})
            )
            problems = bundle_problems(output_path, _settle(output_path))
            if not problems:
                return indexed, errors
        raise PagefindError("the bundle Pagefind wrote is incomplete: " + "; ".join(problems[:3]))

    def close(self) -> None:
        if self._proc.stdin and not self._proc.stdin.closed:
            with contextlib.suppress(BrokenPipeError):
                self._proc.stdin.close()
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        self._reader.join(timeout=5)

    def __enter__(self) -> PagefindService:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_GZIPPED = (".pf_meta", ".pf_fragment", ".pf_index", ".pf_filter", ".pagefind")


def file_sizes(folder: Path) -> dict[str, int]:
    """Every file under `folder` and its size (one directory scan, one stat per file)."""
    sizes: dict[str, int] = {}
    stack = [str(folder)]
    while stack:
        try:
            entries = list(os.scandir(stack.pop()))
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                stack.append(entry.path)
            elif entry.is_file(follow_symlinks=False):
                sizes[entry.path] = entry.stat(follow_symlinks=False).st_size
    return sizes


def _settle(folder: Path, *, quiet: float = 0.1, limit: float = 10.0) -> dict[str, int]:
    """Wait until no file in `folder` has changed size for `quiet` seconds (at most `limit`); the sizes."""
    deadline = time.monotonic() + limit
    before = file_sizes(folder)
    while time.monotonic() < deadline:
        time.sleep(quiet)
        now = file_sizes(folder)
        if now == before:
            return now
        before = now
    return before


def bundle_problems(folder: Path, sizes: Mapping[str, int] | None = None) -> list[str]:
    """What is wrong with a written bundle: missing entry or metadata, empty or truncated files.

    `sizes`: the bundle's files and sizes, when just taken (see `_settle`).
    """
    problems = []
    try:
        entry = json.loads((folder / "pagefind-entry.json").read_text(encoding="utf-8"))
        for language in entry["languages"].values():
            if not (folder / f"pagefind.{language['hash']}.pf_meta").is_file():
                problems.append(f"no metadata file for {language['hash']}")
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        problems.append(f"pagefind-entry.json: {exc}")
    for path, size in (file_sizes(folder) if sizes is None else sizes).items():
        name = os.path.basename(path)
        if size == 0:
            problems.append(f"{name} is empty")
        elif name.endswith(_GZIPPED):
            try:
                with open(path, "rb") as file:
                    gzip.decompress(file.read())
            except (OSError, EOFError, zlib.error) as exc:
                problems.append(f"{name}: {exc}")
    return problems
