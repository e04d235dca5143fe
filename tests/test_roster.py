"""Roster CSV files and their settings side files (invented rosters, written to temp folders)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from cohort_archive.model import Problem
from cohort_archive.roster import (
    check_repo_url,
    default_title,
    is_usable,
    load_roster,
    load_rosters,
    parse_deadline,
    usable,
    web_url,
)

HEADER = "group_number,student_1,student_2,student_3,student_4,student_5,repo_url"
CPH = ZoneInfo("Europe/Copenhagen")


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, str):
        text = text.encode()
    path.write_bytes(text)
    return path


def errors(problems: list[Problem]) -> list[tuple[str, str]]:
    """(line, message) of every problem, line being the part after the file name."""
    return [(p.where.rsplit(":", 1)[-1], p.message) for p in problems]


def test_a_tidy_roster(tmp_path: Path) -> None:
    path = write(
        tmp_path / "2026-january.csv",
        f"{HEADER}\n1,s1,s2,,,,https://github.com/org/one\n12,s3,,,,,https://github.com/org/two.git\n",
    )
    roster = load_roster(path)
    assert roster.settings.id == "2026-january" and roster.settings.title == "January 2026"
    assert roster.settings.deadline is None and roster.settings.branch is None and roster.settings.pins == {}
    assert roster.path == str(path) and roster.problems == []
    [a, b] = roster.entries
    assert (a.cohort, a.group, a.repo_url, a.students, a.line, a.ref) == (
        "2026-january",
        1,
        "https://github.com/org/one",
        ("s1", "s2"),
        2,
        None,
    )
    assert (b.group, b.repo_url, b.students, b.line) == (12, "https://github.com/org/two.git", ("s3",), 3)
    assert is_usable(roster) and usable([roster])


def test_tolerates_bom_crlf_blank_lines_spaces_and_comments(tmp_path: Path) -> None:
    text = (
        "\ufeff Group_Number , student_1,student_2,student_3,student_4,student_5, repo_url \r\n"
        "\r\n"
        "# a comment line\r\n"
        " 031 , s1 , s2 ,,,, https://github.com/org/one.git \r\n"
        ",,,,,,\r\n"
        "   \r\n"
        "7,s3,,,,,git@github.com:org/seven.git,,\r\n"
    )
    roster = load_roster(write(tmp_path / "c.csv", text))
    assert roster.problems == []
    assert [(e.group, e.repo_url, e.students, e.line) for e in roster.entries] == [
        (31, "https://github.com/org/one.git", ("s1", "s2"), 4),
        (7, "git@github.com:org/seven.git", ("s3",), 7),
    ]


def test_missing_column_makes_the_roster_unusable(tmp_path: Path) -> None:
    path = write(tmp_path / "c.csv", "group_number,student_1,repository\n1,s1,https://github.com/o/r\n")
    roster = load_roster(path)
    assert roster.entries == [] and not is_usable(roster)
    [problem] = roster.problems
    assert problem.where == f"{path}:1" and problem.severity == "error"
    assert problem.message.startswith("missing column repo_url")

    good = write(tmp_path / "d.csv", f"{HEADER}\n1,s1,,,,,https://github.com/o/r\n")
    rosters, problems = load_rosters([path, good])
    assert [r.settings.id for r in rosters] == ["d"] and usable(rosters)
    assert problems == roster.problems
    rosters, problems = load_rosters([path])
    assert rosters == [] and not usable(rosters) and problems


def test_unreadable_and_empty_files(tmp_path: Path) -> None:
    missing = load_roster(tmp_path / "nope.csv")
    assert not is_usable(missing) and "cannot read the roster" in missing.problems[0].message
    empty = load_roster(write(tmp_path / "empty.csv", "\n\n"))
    assert not is_usable(empty) and "empty" in empty.problems[0].message
    binary = load_roster(write(tmp_path / "bin.csv", b"\xff\xfe\x00bad"))
    assert not is_usable(binary)


def test_bad_rows_are_skipped_with_file_and_line(tmp_path: Path) -> None:
    rows = [
        "1,s1,,,,,https://github.com/o/one",  # 2 ok
        "two,s2,,,,,https://github.com/o/two",  # 3 not a number
        ",s3,,,,,https://github.com/o/three",  # 4 empty number
        "1,s4,,,,,https://github.com/o/dup",  # 5 duplicate
        "0,s5,,,,,https://github.com/o/zero",  # 6 zero
        "6,s6,,,,,",  # 7 empty url
        "7,s7,https://github.com/o/seven",  # 8 too few cells
        "8,s8,,,,,https://github.com/o/eight,extra",  # 9 too many cells
        "9,s9,,,,,http://gitlab.com/o/nine",  # 10 plain http (a GitHub address would be read as https)
        "10,s10,,,,,ext::sh -c touch% /tmp/pwned",  # 11 transport helper
        "11,s11,,,,,--upload-pack=touch /tmp/pwned",  # 12 option
        "12,s12,,,,,https://user:secret@github.com/o/twelve",  # 13 credentials
        "13,s13,,,,,git://github.com/o/thirteen",  # 14 scheme
        "14,s14,,,,,gitlab.com/o/fourteen",  # 15 not a URL (a GitHub address would get https://)
        "15,s15,,,,,https://github.com/o/fif teen",  # 16 space
        "16,s16,,,,,fd::17",  # 17 transport helper
        "17,s17,,,,,ssh://-oProxyCommand=evil/o/r",  # 18 host starting with -
        "18,s18,,,,,git@github.com:-o/r",  # 19 path starting with -
        "19,s19,,,,,file://relative/path",  # 20 file without absolute path
        "20,s20,,,,,https://github.com/",  # 21 no repository path
        "21,s21,,,,,ssh://git@github.com/o/twentyone.git",  # 22 ok
        "22,s22,,,,,file:///srv/git/group22.git",  # 23 ok
    ]
    path = write(tmp_path / "2025-january.csv", HEADER + "\n" + "\n".join(rows) + "\n")
    roster = load_roster(path)
    assert [e.group for e in roster.entries] == [1, 21, 22]
    got = errors(roster.problems)
    assert [line for line, _ in got] == [str(n) for n in range(3, 22)]
    assert all(p.where.startswith(f"{path}:") and p.severity == "error" for p in roster.problems)
    text = dict(got)
    assert "'two' is not a positive whole number" in text["3"]
    assert "group_number empty" in text["4"]
    assert "duplicate group number 1 (first on line 2)" in text["5"]
    assert "empty repo_url" in text["7"]
    assert "missing column" in text["8"] and "too" not in text["8"]
    assert "row has 8 cells" in text["9"]
    assert "scheme 'http' is not allowed" in text["10"]
    assert "transport helper" in text["11"] or "spaces" in text["11"]
    assert "starts with '-'" in text["12"]
    assert "credentials" in text["13"] and "secret" not in text["13"]
    assert "scheme 'git'" in text["14"]
    assert "is not a URL" in text["15"]
    assert "spaces" in text["16"]
    assert "transport helper" in text["17"]
    assert "malformed host" in text["18"]
    assert "malformed repository path" in text["19"]
    assert "file:///absolute/path" in text["20"]
    assert "malformed repository path" in text["21"]


def test_github_addresses_as_people_type_them(tmp_path: Path) -> None:
    rows = [
        "1,s1,,,,,github.com/o/one",
        "2,s2,,,,,http://github.com/o/two/",
        "3,s3,,,,,https://www.github.com/o/three/tree/main",
        "4,s4,,,,,https://github.com/o/four/blob/main/reports/README.md",
        "5,s5,,,,,https://github.com/o/five.git",
        "6,s6,,,,,www.github.com/o/six.git/",
    ]
    path = write(tmp_path / "2026-january.csv", HEADER + "\n" + "\n".join(rows) + "\n")
    roster = load_roster(path)
    assert [e.repo_url for e in roster.entries] == [
        "https://github.com/o/one",
        "https://github.com/o/two",
        "https://github.com/o/three",
        "https://github.com/o/four",
        "https://github.com/o/five.git",
        "https://github.com/o/six.git",
    ]
    got = errors(roster.problems)
    assert [line for line, _ in got] == ["2", "3", "4", "5", "7"]
    assert all(p.severity == "info" for p in roster.problems)
    assert got[0][1] == "group 1: repo_url 'github.com/o/one' read as https://github.com/o/one"
    assert "branch in the address is not used" in got[2][1]
    assert is_usable(roster)


@pytest.mark.parametrize(
    "url",
    [
        "https://github.com/Owner/Name",
        "https://github.com/owner/name.git",
        "https://gitlab.com/group/sub/name",
        "https://github.com:443/owner/name",
        "ssh://git@github.com/owner/name.git",
        "ssh://git@ssh.github.com:443/owner/name",
        "git@github.com:owner/name.git",
        "file:///tmp/repos/name.git",
    ],
)
def test_accepted_urls(url: str) -> None:
    assert check_repo_url(url) is None


def test_settings_side_file(tmp_path: Path) -> None:
    write(
        tmp_path / "2025-january.yml",
        "title: MLOps January 2025\ndeadline: 2025-01-24T23:59\nbranch: main\npins:\n  1: v1.0\n  '2': 3f2a9c1\n",
    )
    path = write(
        tmp_path / "2025-january.csv",
        f"{HEADER}\n1,s1,,,,,https://github.com/o/a\n2,s2,,,,,https://github.com/o/b\n3,s3,,,,,https://github.com/o/c\n",
    )
    roster = load_roster(path)
    s = roster.settings
    assert s.title == "MLOps January 2025" and s.branch == "main" and s.pins == {1: "v1.0", 2: "3f2a9c1"}
    assert s.deadline == datetime(2025, 1, 24, 23, 59, tzinfo=CPH)
    assert s.deadline.utcoffset() == timedelta(hours=1)
    assert [e.ref for e in roster.entries] == ["v1.0", "3f2a9c1", None]
    assert roster.problems == []


def test_pins_are_read_as_written(tmp_path: Path) -> None:
    # unquoted, YAML reads 0712345 as an octal number (234725) and the tag 1.10 as the number 1.1
    write(tmp_path / "2025-january.yml", "pins:\n  1: 0712345\n  2: 1.10\n  3: 1234567890abcdef\n")
    path = write(tmp_path / "2025-january.csv", f"{HEADER}\n1,s1,,,,,https://github.com/o/a\n")
    roster = load_roster(path)
    assert roster.settings.pins == {1: "0712345", 2: "1.10", 3: "1234567890abcdef"}


def test_settings_problems(tmp_path: Path) -> None:
    write(
        tmp_path / "c.yaml",
        "deadline: next friday\nbranch: '-x'\ncolour: blue\npins:\n  1: '--evil'\n  x: main\n  9: main\n",
    )
    roster = load_roster(write(tmp_path / "c.csv", f"{HEADER}\n1,s1,,,,,https://github.com/o/a\n"))
    assert (
        roster.settings.deadline is None
        and roster.settings.branch is None
        and roster.settings.pins == {9: "main"}
    )
    messages = [p.message for p in roster.problems]
    assert any("unknown setting 'colour'" in m for m in messages)
    assert any("'next friday' is not an ISO 8601" in m for m in messages)
    assert any("branch '-x' is not a valid branch name" in m for m in messages)
    assert any("'--evil' is not a valid ref" in m for m in messages)
    assert any("pin key 'x' is not a group number" in m for m in messages)
    assert any("pin for group 9, which is not in the roster" in m for m in messages)
    assert all(p.where.endswith("c.yaml") for p in roster.problems)
    assert is_usable(roster)

    write(tmp_path / "d.yml", "title: [unclosed\n")
    broken = load_roster(write(tmp_path / "d.csv", f"{HEADER}\n1,s1,,,,,https://github.com/o/a\n"))
    assert "cannot read the settings" in broken.problems[0].message and is_usable(broken)


def test_deadline_forms() -> None:
    assert parse_deadline("2025-01-24T23:59:00+00:00")[0] == datetime(2025, 1, 24, 23, 59, tzinfo=UTC)
    assert parse_deadline("2025-01-24T22:59:00Z")[0] == datetime(2025, 1, 24, 22, 59, tzinfo=UTC)
    assert parse_deadline("2025-01-24")[0] == datetime(2025, 1, 24, 23, 59, 59, tzinfo=CPH)
    summer = parse_deadline("2025-06-20 12:00")[0]
    assert summer is not None and summer.utcoffset() == timedelta(hours=2)  # Copenhagen summer time
    assert parse_deadline(datetime(2025, 1, 24, 12, 0))[0] == datetime(2025, 1, 24, 12, 0, tzinfo=CPH)
    assert parse_deadline("soon") == (None, "'soon' is not an ISO 8601 date or time")


def test_cohort_ids_must_be_unique(tmp_path: Path) -> None:
    a = write(tmp_path / "one" / "2025-january.csv", f"{HEADER}\n1,s1,,,,,https://github.com/o/a\n")
    b = write(tmp_path / "two" / "2025-january.csv", f"{HEADER}\n2,s2,,,,,https://github.com/o/b\n")
    rosters, problems = load_rosters([a, b])
    assert [r.path for r in rosters] == [str(a)]
    assert problems[0].where == str(b) and "already used" in problems[0].message


def test_web_url() -> None:
    base = "https://github.com/Owner/Name"
    for url in (
        "https://github.com/Owner/Name",
        "https://github.com/Owner/Name.git",
        "https://github.com/Owner/Name/",
        "https://www.github.com/Owner/Name",
        "git@github.com:Owner/Name.git",
        "ssh://git@github.com/Owner/Name",
        "ssh://git@ssh.github.com:443/Owner/Name.git",
    ):
        assert web_url(url) == base, url
    assert web_url(base, "abc123") == f"{base}/tree/abc123"
    assert web_url(base, "abc123", "reports/README.md") == f"{base}/blob/abc123/reports/README.md"
    assert web_url("https://gitlab.com/g/sub/name.git") == "https://gitlab.com/g/sub/name"
    assert web_url("https://gitlab.com/g/name", "abc") is None
    assert web_url("file:///srv/git/name.git") is None
    assert web_url("git@gitlab.com:g/name.git") is None
    assert web_url("https://github.com/only-owner") is None


def test_default_title() -> None:
    assert default_title("2026-january") == "January 2026"
    assert default_title("2025-June") == "June 2025"
    assert default_title("autumn-cohort") == "autumn-cohort"


def test_corpus_rosters_load_cleanly() -> None:
    from conftest import corpus_dir

    rosters, problems = load_rosters(sorted((corpus_dir() / "rosters").glob("*.csv")))
    assert problems == [] and len(rosters) == 4
    assert sum(len(r.entries) for r in rosters) == 32
    assert all(web_url(e.repo_url) for r in rosters for e in r.entries)


def test_the_cohort_page_tells_skipped_rows_from_notes(tmp_path: Path) -> None:
    from cohort_archive.model import Cohort
    from cohort_archive.pages.cohort import build_overview

    rows = [
        "1,s1,,,,,github.com/o/one",
        "2,s2,,,,,https://github.com/o/two",
        "x,s3,,,,,https://github.com/o/x",
    ]
    roster = load_roster(write(tmp_path / "2026-january.csv", HEADER + "\n" + "\n".join(rows) + "\n"))
    spec = build_overview(Cohort(roster.settings, problems=list(roster.problems)))
    page = "".join(spec.blocks)
    assert "Roster: 1 rows skipped, 1 notes" in page and 'class="admonition warning"' in page
    notes_only = [p for p in roster.problems if p.severity == "info"]
    page = "".join(build_overview(Cohort(roster.settings, problems=notes_only)).blocks)
    assert "Roster: notes" in page and 'class="admonition note"' in page
