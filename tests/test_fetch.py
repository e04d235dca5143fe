"""The fetch layer against real git repositories in temporary folders (no mocks)."""

from __future__ import annotations

import base64
import http.server
import logging
import os
import re
import signal
import subprocess
import sys
import textwrap
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from cohort_archive.fetch import FetchOptions, close_readers, effective_mode, fetch_all, repo_key
from cohort_archive.fetch.gitenv import auth_header, git_env, redact, secrets_of
from cohort_archive.model import CohortSettings, Roster, RosterEntry, Snapshot
from cohort_archive.roster import load_rosters
from conftest import REPO, corpus_dir
from gitrepos import PNG, SUBMODULE, SYMLINK, BareRepo, files_under, git

CPH = timezone(timedelta(hours=1))
REPORT = "# Exam report\n\nInvented text for tests.\n"
TOKEN = "ghp_TESTtokenVALUE0123456789abcdefABCDEF"


def roster(
    cohort: str,
    rows: list[tuple[int, str]],
    *,
    deadline: datetime | None = None,
    branch: str | None = None,
    pins: dict[int, str] | None = None,
) -> Roster:
    pins = pins or {}
    settings = CohortSettings(id=cohort, title=cohort, deadline=deadline, branch=branch, pins=pins)
    entries = [
        RosterEntry(cohort=cohort, group=g, repo_url=url, line=i + 2, ref=pins.get(g))
        for i, (g, url) in enumerate(rows)
    ]
    return Roster(settings=settings, path=f"rosters/{cohort}.csv", entries=entries)


def one(snaps: list[Snapshot], group: int) -> Snapshot:
    return next(s for s in snaps if s.entry.group == group)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("COHORT_OFFLINE", "GH_TOKEN", "GITHUB_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    yield
    close_readers()


@pytest.fixture
def options(tmp_path: Path) -> FetchOptions:
    return FetchOptions(cache_dir=tmp_path / "cache", workers=4)


@pytest.fixture
def report_repo(tmp_path: Path) -> BareRepo:
    """A group repository with three commits around a deadline, a figure, a symlink and a submodule."""
    repo = BareRepo.create(tmp_path / "src" / "group1.git")
    repo.commit(
        {"reports/README.md": "draft\n", "src/app.py": "print('hi')\n"}, date="2025-01-20T10:00:00+01:00"
    )
    repo.commit(
        {
            "reports/README.md": REPORT,
            "reports/figures/overview.png": PNG,
            "reports/link.md": "README.md",
            "vendor/lib": "0123456789abcdef0123456789abcdef01234567",
        },
        modes={"reports/link.md": SYMLINK, "vendor/lib": SUBMODULE},
        date="2025-01-24T23:59:00+01:00",
    )
    repo.commit({"reports/README.md": REPORT + "\nLate edit.\n"}, date="2025-01-26T08:00:00+01:00")
    return repo


# --- the basics ----------------------------------------------------------------------------------


def test_fetch_reads_the_tip_and_its_tree(report_repo: BareRepo, options: FetchOptions) -> None:
    lines: list[str] = []
    [snap] = fetch_all([roster("2025-january", [(1, report_repo.url)])], options, progress=lines.append)

    tip = report_repo.rev("main")
    assert snap.status == "ok" and not snap.problems and not snap.from_cache
    assert snap.commit == tip and snap.branch == "main"
    assert snap.commit_date == datetime(2025, 1, 26, 8, 0, tzinfo=CPH)
    assert snap.commit_date.utcoffset() is not None
    assert snap.report_blob == report_repo.blob(tip, "reports/README.md")
    tree = snap.tree
    assert tree is not None
    assert tree.read("reports/README.md") == (REPORT + "\nLate edit.\n").encode()
    assert tree.read("./reports//figures/overview.png") == PNG
    assert tree.read("reports/missing.png") is None
    assert tree.read("reports/figures") is None  # a directory
    assert tree.is_symlink("reports/link.md") and tree.read("reports/link.md") is None
    assert tree.read("vendor/lib") is None  # a submodule
    assert tree.read("../group1.git/config") is None and tree.read("/etc/passwd") is None
    assert tree.files() == ["reports/README.md", "reports/figures/overview.png", "src/app.py"]
    assert tree.read("src/app.py") == b"print('hi')\n"  # outside reports/: fetched on demand
    assert re.fullmatch(r"\[1/1\] 2025-january/1 fetched \([0-9a-f]{7}, 2025-01-26\)", lines[0])


def test_a_report_handed_in_after_the_deadline_is_named(tmp_path: Path, options: FetchOptions) -> None:
    late = BareRepo.create(tmp_path / "src" / "late.git")
    late.commit({"src/app.py": "print('hi')\n"}, date="2025-01-20T10:00:00+01:00")
    added = late.commit({"reports/README.md": REPORT}, date="2025-01-26T09:00:00+01:00")
    deadline = datetime(2025, 1, 24, 23, 59, tzinfo=CPH)
    [snap] = fetch_all([roster("a", [(1, late.url)], deadline=deadline)], options)
    assert snap.status == "no-report"
    assert snap.problems[0].message.endswith(
        f"; main has it since commit {added[:7]} of 2025-01-26, after the deadline"
    )


def test_a_hand_in_commit_above_a_later_one_is_flagged(tmp_path: Path, options: FetchOptions) -> None:
    repo = BareRepo.create(tmp_path / "src" / "back.git")
    repo.commit({"reports/README.md": REPORT}, date="2025-01-20T10:00:00+01:00")
    later = repo.commit({"reports/README.md": REPORT + "more\n"}, date="2025-01-26T09:00:00+01:00")
    backdated = repo.commit(
        {"reports/README.md": REPORT + "more and more\n"}, date="2025-01-23T09:00:00+01:00"
    )
    deadline = datetime(2025, 1, 24, 23, 59, tzinfo=CPH)
    rosters = [roster("a", [(1, repo.url)], deadline=deadline)]
    [snap] = fetch_all(rosters, options)
    assert snap.commit == backdated  # the first commit dated by the deadline, as before
    [problem] = snap.problems
    assert problem.severity == "warning"
    assert problem.message == (
        f"the hand-in commit {backdated[:7]} is dated by the deadline, but a commit below it is dated after it "
        f"({later[:7]} of 2025-01-26): a date may have been set back"
    )
    assert fetch_all(rosters, options)[0].problems == [problem]  # kept with the recorded choice


def test_deadline_picks_last_commit_at_or_before_it(report_repo: BareRepo, options: FetchOptions) -> None:
    at = datetime(2025, 1, 24, 23, 59, tzinfo=CPH)  # exactly the second commit's date: included
    early = datetime(2025, 1, 1, tzinfo=CPH)
    snaps = fetch_all(
        [
            roster("a", [(1, report_repo.url)], deadline=at),
            roster("b", [(1, report_repo.url)], deadline=early),
        ],
        options,
    )
    second = report_repo.rev("main~1")
    assert snaps[0].status == "ok" and snaps[0].commit == second
    assert snaps[0].tree.read("reports/README.md") == REPORT.encode()
    assert snaps[1].status == "unavailable"
    assert "no commit on 'main' at or before the deadline" in snaps[1].problems[0].message
    assert len(list((options.cache_dir / "repos").iterdir())) == 1  # one clone for both cohorts


def test_a_report_only_on_another_branch_is_named(tmp_path: Path, options: FetchOptions) -> None:
    repo = BareRepo.create(tmp_path / "src" / "g.git")
    base = repo.commit({"src/app.py": "print('hi')\n"})
    repo.commit({"reports/README.md": REPORT}, branch="report-draft", parent=base)
    with_report = repo.commit({"reports/README.md": REPORT}, branch="old", parent=base)
    repo.commit({"reports/README.md": None}, branch="old", parent=with_report)  # deleted again
    [snap] = fetch_all([roster("2025-january", [(1, repo.url)])], options)
    assert snap.status == "no-report" and snap.commit == base
    [problem] = snap.problems
    assert problem.message == (
        f"no reports/README.md at commit {base[:7]}; branch 'report-draft' has one "
        "(not shown: the archive reads main)"
    )
    [snap] = fetch_all([roster("2025-january", [(1, repo.url)], pins={1: "report-draft"})], options)
    assert snap.status == "ok" and not snap.problems


def test_pins_to_branch_tag_and_commit(report_repo: BareRepo, tmp_path: Path, options: FetchOptions) -> None:
    first, second = report_repo.rev("main~2"), report_repo.rev("main~1")
    report_repo.branch("final", second)
    report_repo.tag("v1", first)
    report_repo.tag("v2", second, annotated=True)
    # a commit that no branch or tag contains (e.g. from a force-push), fetched by its id
    hidden = report_repo.commit({"reports/README.md": "hidden\n"}, parent=first, ref="refs/hidden/x")
    urls = {g: f"{report_repo.url}" for g in range(1, 8)}
    pins = {1: "final", 2: "v1", 3: "v2", 4: second, 5: first[:10], 6: hidden, 7: "no-such-ref"}
    snaps = fetch_all([roster("c", sorted(urls.items()), pins=pins)], options)

    assert [(s.commit, s.branch) for s in snaps[:6]] == [
        (second, "final"),
        (first, None),
        (second, None),
        (second, None),
        (first, None),
        (hidden, None),
    ]
    assert one(snaps, 6).tree.read("reports/README.md") == b"hidden\n"
    assert one(snaps, 7).status == "unavailable"
    assert "pinned ref 'no-such-ref'" in one(snaps, 7).problems[0].message


def test_a_pin_dated_after_the_deadline_is_flagged(report_repo: BareRepo, options: FetchOptions) -> None:
    tip, second = report_repo.rev("main"), report_repo.rev("main~1")  # 2025-01-26 and 2025-01-24 23:59
    deadline = datetime(2025, 1, 24, 23, 59, tzinfo=CPH)
    rows = [(1, report_repo.url), (2, report_repo.url)]
    snaps = fetch_all([roster("a", rows, deadline=deadline, pins={1: tip, 2: second})], options)
    assert [s.commit for s in snaps] == [tip, second]  # the pin decides, as documented
    [problem] = one(snaps, 1).problems
    assert problem.message == (
        f"the pinned commit ({tip[:7]} of 2025-01-26 08:00) is dated after the deadline (2025-01-24 23:59)"
    )
    assert not one(snaps, 2).problems


def test_branch_override_and_missing_branch(
    report_repo: BareRepo, tmp_path: Path, options: FetchOptions
) -> None:
    report_repo.branch("handin", report_repo.rev("main~1"))
    snaps = fetch_all(
        [
            roster("a", [(1, report_repo.url)], branch="handin"),
            roster("b", [(1, report_repo.url)], branch="gone"),
        ],
        options,
    )
    assert (
        snaps[0].status == "ok"
        and snaps[0].branch == "handin"
        and snaps[0].commit == report_repo.rev("main~1")
    )
    assert snaps[1].status == "unavailable"
    assert snaps[1].problems[0].message == "branch 'gone' not found in the repository"


def test_master_default_branch(tmp_path: Path, options: FetchOptions) -> None:
    repo = BareRepo.create(tmp_path / "m.git", branch="master")
    repo.commit({"reports/README.md": REPORT})
    [snap] = fetch_all([roster("a", [(3, repo.url)])], options)
    assert snap.status == "ok" and snap.branch == "master"


# --- updates -------------------------------------------------------------------------------------


def test_refresh_sees_new_commit_and_unchanged_is_up_to_date(
    report_repo: BareRepo, options: FetchOptions
) -> None:
    rosters = [roster("a", [(1, report_repo.url)])]
    first = fetch_all(rosters, options)[0]
    lines: list[str] = []
    same = fetch_all(rosters, options, progress=lines.append)[0]
    assert same.commit == first.commit and not same.from_cache and "up to date" in lines[0]

    new = report_repo.commit(
        {"reports/README.md": "# New\n", "reports/figures/new.png": PNG + b"x"},
        date="2025-01-27T10:00:00+01:00",
    )
    after = fetch_all(rosters, options)[0]
    assert after.status == "ok" and after.commit == new and not after.from_cache
    assert after.tree.read("reports/README.md") == b"# New\n"
    assert after.tree.read("reports/figures/new.png") == PNG + b"x"
    offline = fetch_all(rosters, FetchOptions(options.cache_dir, mode="offline"))[0]
    assert offline.commit == new and offline.tree.read("reports/figures/new.png") == PNG + b"x"

    refreshed = fetch_all(rosters, FetchOptions(options.cache_dir, mode="refresh"))[0]
    assert refreshed.commit == new and not refreshed.from_cache


def test_missing_mode_clones_new_repos_and_never_updates_cached_ones(
    report_repo: BareRepo, tmp_path: Path, options: FetchOptions
) -> None:
    """What `mkdocs serve` uses: no re-clone, no update, but a repo new to the roster is cloned."""
    first = fetch_all([roster("a", [(1, report_repo.url)])], options)[0]
    report_repo.commit({"reports/README.md": "# Newer\n"}, date="2025-01-28T10:00:00+01:00")
    other = BareRepo.create(tmp_path / "src" / "group2.git")
    other.commit({"reports/README.md": REPORT})
    serve = FetchOptions(options.cache_dir, mode="missing")
    snaps = fetch_all([roster("a", [(1, report_repo.url), (2, other.url)])], serve)
    assert one(snaps, 1).commit == first.commit  # the cached copy, not the new commit
    assert one(snaps, 2).status == "ok" and one(snaps, 2).commit == other.rev("main")


def test_default_branch_change_is_followed(report_repo: BareRepo, options: FetchOptions) -> None:
    rosters = [roster("a", [(1, report_repo.url)])]
    fetch_all(rosters, options)
    other = report_repo.commit(
        {"reports/README.md": "# Dev\n"}, parent=report_repo.rev("main"), ref="refs/heads/dev"
    )
    report_repo.set_head("dev")
    snap = fetch_all(rosters, options)[0]
    assert snap.branch == "dev" and snap.commit == other


def test_failed_update_keeps_last_good(report_repo: BareRepo, options: FetchOptions) -> None:
    rosters = [roster("a", [(1, report_repo.url)])]
    good = fetch_all(rosters, options)[0]
    moved = report_repo.path.with_name("moved.git")
    close_readers()
    report_repo.path.rename(moved)  # the repository disappears (deleted or made private)

    lines: list[str] = []
    snap = fetch_all(rosters, options, progress=lines.append)[0]
    assert snap.status == "ok" and snap.from_cache and snap.commit == good.commit
    assert snap.tree.read("reports/README.md") == good.tree.read("reports/README.md")
    [problem] = snap.problems
    assert problem.severity == "warning" and problem.group == "a/1"
    assert problem.message.startswith("could not update: repository not found")
    assert "using the cached commit" in problem.message
    assert "kept cached copy" in lines[0]


def test_deleted_branch_keeps_last_good_commit(report_repo: BareRepo, options: FetchOptions) -> None:
    report_repo.branch("handin", report_repo.rev("main~1"))
    rosters = [roster("a", [(1, report_repo.url)], branch="handin")]
    good = fetch_all(rosters, options)[0]
    report_repo.delete_branch("handin")
    report_repo.commit({"reports/README.md": "moved on\n"})  # something changed, so the cache updates

    snap = fetch_all(rosters, options)[0]
    assert snap.status == "ok" and snap.from_cache and snap.commit == good.commit
    assert "keeping the last good commit" in snap.problems[0].message
    cached = next((options.cache_dir / "repos").iterdir())
    assert git(cached, "rev-parse", "refs/cohort-archive/good/a/1").strip() == good.commit
    assert snap.tree.read("reports/README.md") == REPORT.encode()
    # nothing repaired, nothing moved: the next build still says so (it once said "up to date")
    lines: list[str] = []
    again = fetch_all(rosters, options, progress=lines.append)[0]
    assert again.from_cache and again.commit == good.commit
    assert "keeping the last good commit" in again.problems[0].message
    assert "kept cached copy" in lines[0] and "keeping the last good commit" in lines[0]
    # repaired: the branch is back, the warning goes
    report_repo.branch("handin", report_repo.rev("main"))
    fixed = fetch_all(rosters, options)[0]
    assert not fixed.from_cache and not fixed.problems and fixed.commit == report_repo.rev("main")


def test_a_rewritten_history_is_said_once_when_its_commit_replaces_the_shown_one(
    report_repo: BareRepo, options: FetchOptions
) -> None:
    rosters = [roster("a", [(1, report_repo.url)])]
    before = fetch_all(rosters, options)[0]
    # a force-push: one squashed commit, not a descendant of the one shown
    squashed = report_repo.commit({"reports/README.md": "squashed\n"}, parent="", ref="refs/heads/tmp")
    report_repo.branch("main", squashed)
    lines: list[str] = []
    after = fetch_all(rosters, options, progress=lines.append)[0]
    assert after.commit == squashed and not after.from_cache
    [problem] = after.problems
    assert problem.severity == "warning" and problem.group == "a/1"
    assert problem.message.startswith(f"the commit shown before ({before.commit[:7]} of ")
    assert problem.message.endswith(
        f"is no longer in the history it came from; now {squashed[:7]} of 2025-01-20"
    )
    # a commit on top of the shown one is no rewrite
    report_repo.commit({"reports/README.md": "later\n"})
    assert not fetch_all(rosters, options)[0].problems


# --- failures ------------------------------------------------------------------------------------


def test_a_report_at_a_near_miss_path_is_read_from_there_with_a_warning(
    tmp_path: Path, options: FetchOptions
) -> None:
    lower = BareRepo.create(tmp_path / "src" / "lower.git")
    lower.commit({"README.md": "# Project\n", "reports/readme.md": REPORT})
    singular = BareRepo.create(tmp_path / "src" / "singular.git")
    singular.commit({"README.md": "# Project\n", "report/README.md": REPORT})
    # the cookiecutter project made in a folder of the repository: the report one level down, figures too
    nested = BareRepo.create(tmp_path / "src" / "nested.git")
    figure = "mlops_project/reports/figures/a.png"
    nested.commit({"README.md": "# Project\n", "mlops_project/reports/README.md": REPORT, figure: "png"})
    repos = [(1, lower.url), (2, singular.url), (3, nested.url)]
    snaps = fetch_all([roster("2025-january", repos)], options)
    paths = ((1, "reports/readme.md"), (2, "report/README.md"), (3, "mlops_project/reports/README.md"))
    for n, path in paths:
        snap = one(snaps, n)
        assert snap.status == "ok" and snap.report_path == path
        assert snap.tree is not None and snap.tree.read(path) == REPORT.encode()
        (warning,) = snap.problems
        assert warning.severity == "warning" and warning.where == path
        assert warning.message.startswith(f"the report is at {path}, not reports/README.md")
    assert one(snaps, 3).tree.read(figure) == b"png"  # type: ignore[union-attr]
    # the next run (nothing changed) keeps the stand-in from the recorded state
    again = fetch_all([roster("2025-january", repos)], options)
    assert [s.report_path for s in again] == [path for _, path in paths]


def test_a_missing_report_says_what_is_there_instead(tmp_path: Path, options: FetchOptions) -> None:
    two = BareRepo.create(tmp_path / "src" / "two.git")
    two.commit({"Reports/ReadMe.md": REPORT, "REPORTS/readme.md": REPORT})
    linked = BareRepo.create(tmp_path / "src" / "linked.git")
    link = {"docs/report.md": REPORT, "reports/README.md": "../docs/report.md"}
    linked.commit(link, modes={"reports/README.md": SYMLINK})
    folder = BareRepo.create(tmp_path / "src" / "folder.git")
    folder.commit({"reports/README.md/index.md": REPORT})
    rows = [(1, two.url), (2, linked.url), (3, folder.url)]
    snaps = fetch_all([roster("2025-january", rows)], options)
    assert [s.status for s in snaps] == ["no-report"] * 3
    messages = [one(snaps, n).problems[0].message for n in (1, 2, 3)]
    assert messages[0].endswith(
        "; there are REPORTS/readme.md and Reports/ReadMe.md: which one is the report? (names are case-sensitive)"
    )
    assert messages[1].endswith("; reports/README.md is a symbolic link (not followed)")
    assert messages[2].endswith("; reports/README.md is a folder")


def test_each_failure_is_per_group(report_repo: BareRepo, tmp_path: Path, options: FetchOptions) -> None:
    empty = BareRepo.create(tmp_path / "src" / "empty.git")
    no_report = BareRepo.create(tmp_path / "src" / "noreport.git")
    no_report.commit({"README.md": "# Project\n", "reports/notes.md": "x", "docs/README.md": "# Docs"})
    rows = [
        (1, report_repo.url),
        (2, "file://" + str(tmp_path / "src" / "deleted.git")),
        (3, empty.url),
        (4, no_report.url),
    ]
    lines: list[str] = []
    snaps = fetch_all([roster("2025-january", rows)], options, progress=lines.append)

    assert [s.status for s in snaps] == ["ok", "unavailable", "unavailable", "no-report"]
    assert one(snaps, 2).problems[0].message.startswith("repository not found")
    assert (
        one(snaps, 2).problems[0].severity == "error" and one(snaps, 2).problems[0].group == "2025-january/2"
    )
    assert one(snaps, 3).problems[0].message == "the repository is empty (no commits)"
    no = one(snaps, 4)
    assert no.commit == no_report.rev("main") and no.report_blob is None and no.tree.files()
    assert no.problems[0].where == "reports/README.md" and "no reports/README.md" in no.problems[0].message
    assert sorted(re.match(r"\[(\d)/4\] ", ln).group(1) for ln in lines) == ["1", "2", "3", "4"]
    assert any("unavailable: repository not found" in ln for ln in lines)
    assert not list((options.cache_dir / "tmp").iterdir())  # failed clones leave nothing behind

    # the empty repository gains a commit: the next run picks it up
    empty.commit({"reports/README.md": REPORT})
    again = fetch_all([roster("2025-january", rows)], options)
    assert [s.status for s in again] == ["ok", "unavailable", "ok", "no-report"]


class _Deny(http.server.BaseHTTPRequestHandler):
    """A git server that wants credentials for everything (like a private GitHub repository)."""

    seen: list[str] = []  # noqa: RUF012 - written by the server thread, read by the test

    def do_GET(self) -> None:
        _Deny.seen.append(self.headers.get("Authorization") or "")
        self.send_response(401)
        self.send_header("WWW-Authenticate", 'Basic realm="GitHub"')
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def deny_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Deny)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    _Deny.seen.clear()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_private_repository_fails_without_prompting(
    deny_server: str, report_repo: BareRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog
) -> None:
    monkeypatch.setenv("GH_TOKEN", TOKEN)
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "no-global-config"))
    caplog.set_level(logging.DEBUG)
    options = FetchOptions(
        cache_dir=tmp_path / "cache",
        url_rewrites={
            "https://github.com/private-org/": deny_server,
            "https://github.com/open-org/": f"file://{report_repo.path.parent}/",
        },
    )
    rows = [(1, "https://github.com/private-org/secret"), (2, "https://github.com/open-org/group1.git")]
    lines: list[str] = []
    snaps = fetch_all([roster("a", rows)], options, progress=lines.append)

    assert snaps[0].status == "unavailable"
    assert snaps[0].problems[0].message.startswith("access denied")
    assert snaps[1].status == "ok"
    # the token is only ever sent to https://github.com/, never to another host
    assert _Deny.seen and not any(_Deny.seen)
    # and it is nowhere: cache files (configs, state, refs, packs), problems, progress, logs, remote URL
    secrets = [TOKEN, *secrets_of(TOKEN)]
    for path in files_under(options.cache_dir):
        data = path.read_bytes()
        assert not any(s.encode() in data for s in secrets), path
    text = "\n".join([*lines, caplog.text, *(str(p) for s in snaps for p in s.problems)])
    assert not any(s in text for s in secrets)
    cached = next((options.cache_dir / "repos").iterdir())
    assert git(cached, "config", "remote.origin.url").strip() == rows[1][1]
    assert "extraheader" not in git(cached, "config", "--list", "--local").lower()


def test_token_header_is_scoped_to_github(tmp_path: Path) -> None:
    env = {**os.environ, **git_env(token=TOKEN, environ={})}
    header = auth_header(TOKEN)
    assert base64.b64decode(header.split()[-1]).decode() == f"x-access-token:{TOKEN}"

    def urlmatch(url: str) -> str:
        res = subprocess.run(
            ["git", "config", "--get-urlmatch", "http.extraHeader", url],
            capture_output=True,
            env=env,
            text=True,
        )
        return res.stdout.strip()

    assert urlmatch("https://github.com/org/repo") == header
    assert urlmatch("http://127.0.0.1:8080/org/repo") == ""
    assert urlmatch("https://gitlab.com/org/repo") == ""
    assert "GIT_TERMINAL_PROMPT" in git_env(environ={})
    assert not any(TOKEN in v for v in git_env(offline=True, token=TOKEN, environ={}).values())


def test_redact_hides_tokens_and_credentials() -> None:
    text = (
        f"fatal: https://x-access-token:{TOKEN}@github.com/o/r: Authorization: Basic abcd== "
        "ghp_0123456789abcdefghijABCDEFGHIJ github_pat_11ABCDEFG0123456789_abcdefghijklmnop "
        "ssh://git@github.com/o/r"
    )
    out = redact(text, (TOKEN,))
    assert TOKEN not in out and "abcd==" not in out and "ghp_" not in out and "github_pat_" not in out
    assert "https://***@github.com/o/r" in out and "ssh://git@github.com/o/r" in out


# --- cache robustness ----------------------------------------------------------------------------


def test_leftovers_of_an_interrupted_run_are_harmless(report_repo: BareRepo, options: FetchOptions) -> None:
    rosters = [roster("a", [(1, report_repo.url)])]
    good = fetch_all(rosters, options)[0]
    cached = next((options.cache_dir / "repos").iterdir())
    # a killed run: a half-made clone of a dead process, stale git lock files, a torn state file
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    half = options.cache_dir / "tmp" / f"{cached.stem}.{dead.pid}.abcd1234"
    (half / "objects").mkdir(parents=True)
    (cached / "refs" / "heads" / "main.lock").write_text("junk")
    (cached / "packed-refs.lock").write_text("junk")
    (cached / "objects" / "pack" / "tmp_pack_XXXXXX").write_bytes(b"PACK\0\0")
    (cached / "cohort-archive.json").write_text('{"version": 1, "groups": {"a/1": {"comm')

    new = report_repo.commit({"reports/README.md": "# Newer\n"})
    snap = fetch_all(rosters, options)[0]
    assert snap.status == "ok" and snap.commit == new and snap.commit != good.commit
    assert not half.exists()
    assert snap.tree.read("reports/README.md") == b"# Newer\n"


def test_a_broken_cache_entry_is_replaced(report_repo: BareRepo, options: FetchOptions) -> None:
    rosters = [roster("a", [(1, report_repo.url)])]
    fetch_all(rosters, options)
    cached = next((options.cache_dir / "repos").iterdir())
    (cached / "HEAD").unlink()  # not a repository any more
    snap = fetch_all(rosters, options)[0]
    assert snap.status == "ok" and snap.commit == report_repo.rev("main")


_KILLED_CHILD = """
import sys
from pathlib import Path
from cohort_archive.fetch import FetchOptions, fetch_all
from cohort_archive.model import CohortSettings, Roster, RosterEntry
entry = RosterEntry(cohort="a", group=1, repo_url=sys.argv[2])
roster = Roster(CohortSettings(id="a", title="a"), "a.csv", [entry])
fetch_all([roster], FetchOptions(cache_dir=Path(sys.argv[1])))
"""


def _run_and_kill(cache: Path, url: str, ready) -> None:
    """Start a fetch in a child process and kill it (and its git children) once `ready()` holds."""
    env = {**os.environ, "PYTHONPATH": str(REPO / "plugins")}
    child = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(_KILLED_CHILD), str(cache), url],
        env=env,
        start_new_session=True,
    )
    try:
        for _ in range(20000):
            if child.poll() is not None or ready():
                break
            time.sleep(0.001)
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)
        child.wait()


def test_killed_clone_and_killed_update_leave_a_usable_cache(tmp_path: Path, options: FetchOptions) -> None:
    repo = BareRepo.create(tmp_path / "big.git")
    big = os.urandom(12 * 1024 * 1024)  # makes the download take a moment
    first = repo.commit({"reports/README.md": REPORT, "reports/figures/big.png": big})
    tmp = options.cache_dir / "tmp"
    _run_and_kill(options.cache_dir, repo.url, lambda: tmp.is_dir() and any(tmp.iterdir()))
    rosters = [roster("a", [(1, repo.url)])]
    snap = fetch_all(rosters, options)[0]
    assert snap.status == "ok" and snap.commit == first
    assert not any(tmp.iterdir())

    second = repo.commit({"reports/README.md": "# v2\n", "reports/figures/big.png": big[::-1]})
    cached = next((options.cache_dir / "repos").iterdir())
    head = cached / "refs" / "heads" / "main"

    def moved() -> bool:  # the update fetched the commit and is downloading the figure
        packed = (cached / "packed-refs").read_text() if (cached / "packed-refs").exists() else ""
        return (head.exists() and second in head.read_text()) or second in packed

    _run_and_kill(options.cache_dir, repo.url, moved)
    snap = fetch_all(rosters, options)[0]
    assert snap.status == "ok" and snap.commit == second
    assert snap.tree.read("reports/figures/big.png") == big[::-1]


# --- offline -------------------------------------------------------------------------------------


def test_offline_uses_only_the_cache(report_repo: BareRepo, tmp_path: Path, options: FetchOptions) -> None:
    other = BareRepo.create(tmp_path / "src" / "other.git")
    other.commit({"reports/README.md": REPORT})
    fetch_all([roster("a", [(1, report_repo.url)])], options)
    report_repo.commit({"reports/README.md": "# not seen offline\n"})

    lines: list[str] = []
    offline = FetchOptions(cache_dir=options.cache_dir, mode="offline")
    snaps = fetch_all([roster("a", [(1, report_repo.url), (2, other.url)])], offline, progress=lines.append)
    assert snaps[0].status == "ok" and snaps[0].from_cache and snaps[0].commit == report_repo.rev("main~1")
    assert snaps[1].status == "unavailable" and snaps[1].problems[0].message == "not in cache and offline"
    assert not (options.cache_dir / "repos" / f"{repo_key(other.url)}.git").exists()
    assert any("cached (" in ln for ln in lines)


def test_cohort_offline_env_wins(report_repo: BareRepo, options: FetchOptions, monkeypatch) -> None:
    rosters = [roster("a", [(1, report_repo.url)])]
    before = fetch_all(rosters, options)[0].commit
    report_repo.commit({"reports/README.md": "# newer\n"})
    monkeypatch.setenv("COHORT_OFFLINE", "1")
    assert effective_mode(options) == "offline"
    snap = fetch_all(rosters, options)[0]  # options say auto
    assert snap.commit == before and snap.from_cache
    monkeypatch.setenv("COHORT_OFFLINE", "0")
    assert effective_mode(options) == "auto"


def test_offline_choice_for_a_new_deadline_comes_from_cached_refs(
    report_repo: BareRepo, options: FetchOptions
) -> None:
    fetch_all([roster("a", [(1, report_repo.url)])], options)
    deadline = datetime(2025, 1, 25, tzinfo=CPH)  # a deadline the cache never chose for
    offline = FetchOptions(cache_dir=options.cache_dir, mode="offline")
    [snap] = fetch_all([roster("a", [(1, report_repo.url)], deadline=deadline)], offline)
    # the commit is in the cache, but its report blob never was fetched: no network to get it
    assert snap.status == "unavailable" and snap.problems[0].message == "not in cache and offline"


def test_report_scope_fetches_the_folder_on_first_read(report_repo: BareRepo, options: FetchOptions) -> None:
    scoped = FetchOptions(cache_dir=options.cache_dir, prefetch="report")
    [snap] = fetch_all([roster("a", [(1, report_repo.url)])], scoped)
    assert snap.tree.read("reports/README.md")
    offline = FetchOptions(cache_dir=options.cache_dir, mode="offline", prefetch="report")
    [cached] = fetch_all([roster("a", [(1, report_repo.url)])], offline)
    assert cached.tree.read("reports/figures/overview.png") is None  # not downloaded yet, and offline
    assert snap.tree.read("reports/figures/overview.png") == PNG  # one batched download
    assert cached.tree.read("reports/figures/overview.png") == PNG


def test_a_fresh_clone_knows_its_missing_blobs_without_asking_git(
    report_repo: BareRepo, options: FetchOptions, monkeypatch
) -> None:
    """Right after the clone, the only blobs are the ones fetched: no `git rev-list` per repository."""
    from cohort_archive.fetch import tree as tree_module

    asked: list[list[str]] = []
    real = tree_module.missing_objects
    monkeypatch.setattr(tree_module, "missing_objects", lambda *a: asked.append(a[2]) or real(*a))
    scoped = FetchOptions(cache_dir=options.cache_dir, prefetch="report")
    [snap] = fetch_all([roster("a", [(1, report_repo.url)])], scoped)
    snap.tree.prefetch(["reports/figures/overview.png"])  # downloaded in one request
    assert snap.tree.read("reports/figures/overview.png") == PNG
    assert snap.tree.read("reports/README.md") and asked == []
    offline = FetchOptions(cache_dir=options.cache_dir, mode="offline", prefetch="report")
    [cached] = fetch_all([roster("a", [(1, report_repo.url)])], offline)
    assert cached.tree.read("reports/figures/overview.png") == PNG  # the cache has it now
    assert asked, "a cached repository is asked which blobs it lacks"


def test_a_blob_reader_holds_a_few_mb_after_reading_large_figures(
    tmp_path: Path, options: FetchOptions
) -> None:
    """Reading screenshots must not leave their packs mapped in the reader (it stays open per repository)."""
    from cohort_archive.fetch.tree import _READERS

    big = {f"reports/figures/shot{k}.png": os.urandom(8 << 20) for k in range(4)}  # 32 MB, incompressible
    repo = BareRepo.create(tmp_path / "src" / "big.git")
    repo.commit({"reports/README.md": REPORT, **big})
    scoped = FetchOptions(cache_dir=options.cache_dir, prefetch="folder")
    [snap] = fetch_all([roster("a", [(1, repo.url)])], scoped)
    for path, data in big.items():
        assert snap.tree.read(path) == data
    (reader,) = [r for key, r in _READERS._readers.items() if key[0] == str(snap.tree.git_dir)]
    status = Path(f"/proc/{reader.proc.pid}/status").read_text()
    rss_kb = int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:")))
    assert rss_kb < 24 << 10, f"the reader holds {rss_kb // 1024} MB after reading 32 MB of figures"
    snap.tree.close()


def test_images_scope_brings_the_report_and_its_images_in_one_request(
    tmp_path: Path, options: FetchOptions
) -> None:
    repo = BareRepo.create(tmp_path / "src" / "imgs.git")
    repo.commit(
        {
            "reports/README.md": REPORT,
            "reports/figures/A.PNG": PNG,
            "reports/data/table.csv": "a,b\n1,2\n",
            "src/app.py": "print('hi')\n",
        }
    )
    scoped = FetchOptions(cache_dir=options.cache_dir, prefetch="images")
    [snap] = fetch_all([roster("a", [(1, repo.url)])], scoped)
    assert snap.status == "ok"
    offline = FetchOptions(cache_dir=options.cache_dir, mode="offline", prefetch="images")
    [cached] = fetch_all([roster("a", [(1, repo.url)])], offline)
    assert cached.status == "ok" and cached.from_cache
    assert cached.tree.read("reports/README.md") == REPORT.encode()
    assert cached.tree.read("reports/figures/A.PNG") == PNG  # came with the report
    assert cached.tree.read("reports/data/table.csv") is None  # not an image: not downloaded
    assert cached.tree.read("src/app.py") is None


def test_url_rewrites_merge_with_the_environment(report_repo: BareRepo, tmp_path: Path, monkeypatch) -> None:
    second = BareRepo.create(tmp_path / "elsewhere" / "g2.git")
    second.commit({"reports/README.md": REPORT})
    monkeypatch.setenv("GIT_CONFIG_COUNT", "1")
    monkeypatch.setenv("GIT_CONFIG_KEY_0", f"url.file://{report_repo.path.parent}/.insteadOf")
    monkeypatch.setenv("GIT_CONFIG_VALUE_0", "https://github.com/env-org/")
    options = FetchOptions(
        cache_dir=tmp_path / "cache",
        url_rewrites={"https://github.com/opt-org/": f"file://{second.path.parent}/"},
    )
    rows = [(1, "https://github.com/env-org/group1"), (2, "https://github.com/opt-org/g2")]
    snaps = fetch_all([roster("a", rows)], options)
    assert [s.status for s in snaps] == ["ok", "ok"]


def test_a_respelled_url_reuses_the_cache(report_repo: BareRepo, options: FetchOptions) -> None:
    fetch_all([roster("a", [(1, report_repo.url)])], options)
    respelled = report_repo.url + "/"
    [snap] = fetch_all([roster("a", [(1, respelled)])], options)
    assert snap.status == "ok" and len(list((options.cache_dir / "repos").iterdir())) == 1
    cached = next((options.cache_dir / "repos").iterdir())
    assert git(cached, "config", "remote.origin.url").strip() == respelled


def test_cache_key_is_shared_by_url_spellings() -> None:
    a = repo_key("https://github.com/Owner/Name")
    assert a == repo_key("https://github.com/owner/name.git/") == repo_key("git@github.com:Owner/Name.git")
    assert a == repo_key("ssh://git@github.com/owner/name")
    assert a != repo_key("https://github.com/owner/other")
    assert re.fullmatch(r"[A-Za-z0-9._-]+", repo_key("file:///tmp/a b/ü.git"))


# --- the real corpus -----------------------------------------------------------------------------


@pytest.mark.corpus
def test_corpus_fetches_then_works_offline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = corpus_dir()
    rosters, problems = load_rosters(sorted((corpus / "rosters").glob("*.csv")))
    assert not problems
    monkeypatch.setenv("GIT_CONFIG_COUNT", "1")
    monkeypatch.setenv("GIT_CONFIG_KEY_0", f"url.file://{corpus.resolve()}/repos/github.com/.insteadOf")
    monkeypatch.setenv("GIT_CONFIG_VALUE_0", "https://github.com/")
    options = FetchOptions(cache_dir=tmp_path / "cache")
    snaps = fetch_all(rosters, options)
    assert len(snaps) == 32
    assert all(s.status == "ok" and not s.problems for s in snaps), [
        str(p) for s in snaps for p in s.problems
    ]
    assert all(s.tree.read("reports/README.md") for s in snaps)

    monkeypatch.setenv("GIT_CONFIG_KEY_0", f"url.file://{tmp_path}/no-such-folder/.insteadOf")
    again = fetch_all(rosters, FetchOptions(cache_dir=tmp_path / "cache", mode="offline"))
    assert [(s.key, s.status, s.commit) for s in again] == [(s.key, "ok", s.commit) for s in snaps]
    assert all(s.from_cache for s in again)
    assert [s.tree.read("reports/README.md") for s in again] == [
        s.tree.read("reports/README.md") for s in snaps
    ]
