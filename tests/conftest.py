"""Shared test helpers: where ../shared is, and skipping cleanly without it."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def shared_dir() -> Path:
    """The course's shared data folder beside the repo (corpus, templates, bench)."""
    return REPO.parent / "shared"


def corpus_dir() -> Path:
    """`../shared/corpus`, or skip the calling test with the reason."""
    path = shared_dir() / "corpus"
    if not (path / "MANIFEST.tsv").is_file():
        pytest.skip(f"real corpus not available at {path} (it lives in ../shared/corpus beside the repo)")
    return path


def templates_dir() -> Path:
    """`../shared/templates`, or skip the calling test with the reason."""
    path = shared_dir() / "templates"
    if not path.is_dir():
        pytest.skip(f"course templates not available at {path}")
    return path


# --- building real sites -------------------------------------------------------------------------------


BIN = Path(sys.executable).parent


@contextmanager
def file_lock(path: Path):
    """Serialise work shared by pytest-xdist workers (e.g. making the demo repos)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def make_demo_repos() -> Path:
    """The demo's git repos under .cache/demo/repos (what mkdocs.yml's url_rewrites point at).

    Made once per content of reports/demo and the script (a stamp records it), so a second pytest
    worker never rebuilds the repos while another worker's build reads them.
    """
    import hashlib

    out = REPO / ".cache" / "demo" / "repos"
    sources = [REPO / "scripts" / "make_demo.py", *sorted((REPO / "reports" / "demo").rglob("*"))]
    digest = hashlib.sha256()
    for path in sources:
        if path.is_file():
            digest.update(str(path.relative_to(REPO)).encode() + b"\0" + path.read_bytes())
    stamp = REPO / ".cache" / "demo" / "stamp"
    with file_lock(REPO / ".cache" / "demo.lock"):
        if not (stamp.is_file() and stamp.read_text() == digest.hexdigest() and out.is_dir()):
            subprocess.run(
                [sys.executable, str(REPO / "scripts" / "make_demo.py"), "--out", str(out)],
                check=True,
                capture_output=True,
                text=True,
            )
            stamp.write_text(digest.hexdigest())
    return out


def corpus_git_env(corpus: Path) -> dict[str, str]:
    """Environment that makes https://github.com/ URLs clone from the corpus' bare repos."""
    return {
        "GIT_CONFIG_COUNT": "1",
        "GIT_CONFIG_KEY_0": f"url.file://{corpus}/repos/github.com/.insteadOf",
        "GIT_CONFIG_VALUE_0": "https://github.com/",
    }


def mkdocs_build(
    site: Path, *, env: dict[str, str] | None = None, strict: bool = False, config: Path | None = None
) -> subprocess.CompletedProcess:
    """A real `mkdocs build` in a subprocess; raises with its output when it fails."""
    full_env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    cmd = [str(BIN / "mkdocs"), "build", "-f", str(config or REPO / "mkdocs.yml"), "-d", str(site)]
    if strict:
        cmd.append("--strict")
    proc = subprocess.run(cmd, cwd=REPO, env=full_env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise AssertionError(f"mkdocs build failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory) -> Path:
    """The demo archive built with `mkdocs build --strict` (search included)."""
    make_demo_repos()
    base = tmp_path_factory.mktemp("demo")
    site = base / "site"
    proc = mkdocs_build(
        site,
        env={
            "COHORT_CACHE": str(base / "cache"),
            "COHORT_ROSTERS": str(REPO / "reports" / "demo" / "rosters"),
        },
        strict=True,
    )
    (base / "build.log").write_text(proc.stdout + proc.stderr)
    return site


@pytest.fixture(scope="session")
def corpus_site(tmp_path_factory) -> Path:
    """The archive of all of ../shared/corpus (four rosters), built offline through URL rewriting."""
    corpus = corpus_dir()
    base = tmp_path_factory.mktemp("corpus")
    rosters = ":".join(str(p) for p in sorted((corpus / "rosters").glob("*.csv")))
    env = {**corpus_git_env(corpus), "COHORT_ROSTERS": rosters, "COHORT_CACHE": str(base / "cache")}
    proc = mkdocs_build(base / "site", env=env)
    (base / "build.log").write_text(proc.stdout + proc.stderr)
    return base / "site"


# --- serving a built site and driving Chromium ---------------------------------------------------------

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = REPO / "test-artifacts"


@contextmanager
def serve_site(site: Path, prefix: str = "/archive/"):
    """Serve `site` on 127.0.0.1 under a GitHub-Pages-like subpath; yields the base URL."""
    import functools
    import http.server
    import threading

    class Handler(http.server.SimpleHTTPRequestHandler):
        def translate_path(self, path: str) -> str:
            if path.startswith(prefix):
                path = "/" + path[len(prefix) :]
            else:
                path = "/__outside_the_subpath__"
            return super().translate_path(path)

        def log_message(self, *args) -> None:  # quiet
            pass

    handler = functools.partial(Handler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium driven by Playwright (no browser download); skips when either is missing."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium (make test installs it as root)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def screenshot(page, name: str) -> None:
    """Save a screenshot as a test artifact."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)
