"""Cohort rosters: which group has which repository, and the cohort's settings.

Roster format (the course's `group_info.csv`), one CSV file per cohort; the cohort id is the file stem
(`rosters/2026-january.csv` -> `2026-january`)::

    group_number,student_1,student_2,student_3,student_4,student_5,repo_url
    7,s123456,s234567,,,,https://github.com/owner/name

- `group_number` and `repo_url` are required columns; `student_*` columns are optional (any number, in
  order; empty cells are unused places). Column names are matched without case or surrounding spaces.
- Tolerated: a UTF-8 byte-order mark, CRLF line ends, blank lines, lines starting with `#` (comments),
  spaces around cells, empty trailing cells, leading zeros in group numbers (`031` is group 31) and a
  `.git` suffix on the URL.
- `repo_url` is one of `https://host/owner/name`, `ssh://[user@]host[:port]/owner/name`, scp style
  `user@host:owner/name`, or `file:///absolute/path` (local mirrors, tests). Anything else is refused:
  other schemes (`http://`, `git://`, ...), transport helpers (`ext::...`, `fd::...`), values starting
  with `-`, credentials in the URL, spaces or control characters.
- A bad row (wrong number of cells, non-numeric or duplicate group number, bad URL) is skipped and
  reported as a `Problem` whose `where` is `"<file>:<line>"`. A file without a required column, or one
  that cannot be read, is unusable as a whole (reported; `load_rosters` leaves out every roster
  without a usable row, and `usable()` tells whether any is left).

Settings side file `<stem>.yml` (or `.yaml`) next to the CSV, all keys optional::

    title: "January 2026"          # default: made from the stem ("2026-january" -> "January 2026")
    deadline: 2026-01-23T23:59     # ISO 8601; no offset means Europe/Copenhagen; a bare date = 23:59:59
    branch: main                   # use this branch instead of each repository's default branch
    pins:                          # group number -> ref, looked up as branch, then tag, then commit id;
      17: v1.0                     # a pinned tag or commit is used as is, a pinned branch replaces the
      23: 3f2a9c1                  # default branch and still honours the deadline

With a deadline the fetch layer takes the last commit on the branch (first-parent line) whose committer
date is at or before it.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import yaml

from .model import CohortSettings, Problem, Roster, RosterEntry

LOCAL_TZ = ZoneInfo("Europe/Copenhagen")
REQUIRED = ("group_number", "repo_url")
SETTINGS_KEYS = {"title", "deadline", "branch", "pins"}

_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_SCP = re.compile(r"^(?P<user>[A-Za-z0-9._-]+)@(?P<host>[A-Za-z0-9.-]+):(?P<path>[^\s]+)$")
_HOST = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$")
_BAD_CHARS = re.compile(r"[\s\x00-\x1f\x7f]")
_GITHUB_HOSTS = {"github.com", "www.github.com", "ssh.github.com"}
# A GitHub repository as people type it: no scheme, http, www., a trailing slash, a /tree/main page
_GITHUB_TYPED = re.compile(
    r"^(?:https?://)?(?:www\.)?github\.com/(?P<owner>[A-Za-z0-9_.-]+)/(?P<name>[A-Za-z0-9_.-]+)(?P<rest>/.*)?$",
    re.IGNORECASE,
)


# --- public API ------------------------------------------------------------------------------------


def load_roster(path: Path) -> Roster:
    """Read one roster CSV and its optional `<stem>.yml` settings; problems are kept on the roster.

    A roster that cannot be used at all (unreadable, a required column missing) comes back with no
    entries and an error problem; see `is_usable`.
    """
    path = Path(path)
    where = str(path)
    settings, problems = load_settings(path)
    roster = Roster(settings=settings, path=where, problems=problems)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        roster.problems.append(Problem(where, f"cannot read the roster: {_plain(exc)}", severity="error"))
        return roster
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    seen: dict[int, int] = {}
    for row in reader:
        line = reader.line_num
        cells = [c.strip() for c in row]
        if not any(cells) or cells[0].startswith("#"):
            continue
        if header is None:
            header = [c.lower() for c in cells]
            missing = [c for c in REQUIRED if c not in header]
            if missing:
                roster.problems.append(
                    Problem(
                        f"{where}:{line}",
                        f"missing column {', '.join(missing)}; the roster is not used "
                        f"(expected header: group_number,student_1,...,student_5,repo_url)",
                        severity="error",
                    )
                )
                return roster
            continue
        entry, problem = _parse_row(settings.id, header, cells, f"{where}:{line}", line, seen)
        if problem:
            roster.problems.append(problem)
        if entry:
            seen[entry.group] = line
            pin = settings.pins.get(entry.group)
            roster.entries.append(entry if pin is None else _with_ref(entry, pin))
    if header is None:
        roster.problems.append(Problem(where, "the roster is empty (no header row)", severity="error"))
        return roster
    known = {e.group for e in roster.entries}
    for group in sorted(settings.pins):
        if group not in known and group not in seen:
            roster.problems.append(
                Problem(_settings_where(path), f"pin for group {group}, which is not in the roster")
            )
    return roster


def load_rosters(paths: list[Path]) -> tuple[list[Roster], list[Problem]]:
    """Load several rosters; returns the usable ones (see `is_usable`) and every problem found.

    The problems list holds the problems of all files: it repeats each returned roster's own
    `problems` and adds those of rosters left out (unreadable, a required column missing, no usable
    row, a cohort id used twice). Order follows `paths`.
    """
    rosters: list[Roster] = []
    problems: list[Problem] = []
    ids: dict[str, str] = {}
    for path in paths:
        path = Path(path)
        cohort = path.stem
        if cohort in ids:
            problems.append(
                Problem(
                    str(path),
                    f"cohort id '{cohort}' is already used by {ids[cohort]}; this roster is not used",
                    severity="error",
                )
            )
            continue
        roster = load_roster(path)
        problems.extend(roster.problems)
        if is_usable(roster):
            ids[cohort] = str(path)
            rosters.append(roster)
    return rosters, problems


def is_usable(roster: Roster) -> bool:
    """Whether the roster gives at least one group (readable, required columns, one good row)."""
    return bool(roster.entries)


def usable(rosters: list[Roster]) -> bool:
    """True when at least one roster is usable; the build fails only when this is False."""
    return any(is_usable(r) for r in rosters)


def load_settings(csv_path: Path) -> tuple[CohortSettings, list[Problem]]:
    """The settings from `<stem>.yml` / `<stem>.yaml` beside the roster, or defaults."""
    csv_path = Path(csv_path)
    cohort = csv_path.stem
    settings = CohortSettings(id=cohort, title=default_title(cohort))
    side = _settings_path(csv_path)
    if side is None:
        return settings, []
    where = str(side)
    try:
        text = side.read_text(encoding="utf-8-sig")
        data = yaml.safe_load(text)
        raw = yaml.load(text, Loader=yaml.BaseLoader)  # every scalar as written
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        return settings, [Problem(where, f"cannot read the settings: {_plain(exc)}", severity="error")]
    if isinstance(data, dict) and isinstance(raw, dict) and isinstance(raw.get("pins"), dict):
        # pins as written: YAML would read a sha like 0712345 as an octal number, a tag 1.10 as 1.1
        data = {**data, "pins": raw["pins"]}
    return parse_settings(cohort, data, where)


def parse_settings(cohort: str, data: Any, where: str) -> tuple[CohortSettings, list[Problem]]:
    """Settings from already-parsed YAML data (a mapping or None)."""
    settings = CohortSettings(id=cohort, title=default_title(cohort))
    problems: list[Problem] = []
    if data is None:
        return settings, problems
    if not isinstance(data, dict):
        return settings, [Problem(where, "settings must be a mapping of keys to values", severity="error")]
    for key in sorted(set(map(str, data)) - SETTINGS_KEYS):
        problems.append(
            Problem(where, f"unknown setting '{key}' ignored (known: {', '.join(sorted(SETTINGS_KEYS))})")
        )
    if "title" in data and data["title"] is not None:
        settings.title = str(data["title"]).strip() or settings.title
    if data.get("deadline") is not None:
        deadline, error = parse_deadline(data["deadline"])
        if error:
            problems.append(Problem(where, f"deadline: {error}; no deadline is used", severity="error"))
        settings.deadline = deadline
    if data.get("branch") is not None:
        branch = str(data["branch"]).strip()
        if safe_ref(branch):
            settings.branch = branch
        else:
            problems.append(
                Problem(where, f"branch '{branch}' is not a valid branch name; ignored", severity="error")
            )
    pins = data.get("pins")
    if pins is not None:
        if not isinstance(pins, dict):
            problems.append(Problem(where, "pins must map group numbers to refs; ignored", severity="error"))
        else:
            for key, value in pins.items():
                try:
                    group = int(str(key).strip())
                except ValueError:
                    problems.append(
                        Problem(where, f"pin key '{key}' is not a group number; ignored", severity="error")
                    )
                    continue
                ref = str(value).strip() if value is not None else ""
                if not safe_ref(ref):
                    problems.append(
                        Problem(
                            where,
                            f"pin for group {group}: '{ref}' is not a valid ref; ignored",
                            severity="error",
                        )
                    )
                    continue
                settings.pins[group] = ref
    return settings, problems


def parse_deadline(value: Any) -> tuple[datetime | None, str | None]:
    """An aware deadline from a YAML value: ISO 8601 text, a datetime or a date (end of that day).

    Without an offset the time is Copenhagen local time.
    """
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time(23, 59, 59))
    else:
        text = str(value).strip()
        try:
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                moment = datetime.combine(date.fromisoformat(text), time(23, 59, 59))
            else:
                moment = datetime.fromisoformat(text.replace("z", "Z"))
        except ValueError:
            return None, f"'{text}' is not an ISO 8601 date or time"
    if moment.tzinfo is None or moment.utcoffset() is None:
        moment = moment.replace(tzinfo=LOCAL_TZ)
    return moment, None


def default_title(cohort: str) -> str:
    """`2026-january` -> `January 2026`; anything else is returned unchanged."""
    m = re.fullmatch(r"(\d{4})-([a-z]+)", cohort.lower())
    if m and m.group(2) in _MONTHS:
        return f"{m.group(2).capitalize()} {m.group(1)}"
    return cohort


def check_repo_url(url: str) -> str | None:
    """Why a roster `repo_url` is refused, in plain words; None when it is acceptable."""
    if not url:
        return "empty repo_url"
    if url.startswith("-"):
        return f"repo_url '{_short(url)}' starts with '-' (could be read as a git option)"
    if _BAD_CHARS.search(url):
        return "repo_url contains spaces or control characters"
    if "::" in url.split("/", 1)[0] or re.match(r"^[A-Za-z][A-Za-z0-9+.-]*::", url):
        return f"repo_url '{_short(url)}' uses a git transport helper ('::'), which is not allowed"
    m = _SCP.match(url)
    if m and "://" not in url:
        if not _HOST.match(m["host"]):
            return f"repo_url '{_short(url)}' has a malformed host"
        path = m["path"]
        if path.startswith(("-", "/")) or not _repo_path_ok(path):
            return f"repo_url '{_short(url)}' has a malformed repository path (expected user@host:owner/name)"
        return None
    if "://" not in url:
        return f"repo_url '{_short(url)}' is not a URL (expected https://, ssh://, git@host:owner/name or file://)"
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "file":
        if parts.netloc not in ("", "localhost") or not parts.path.startswith("/"):
            return f"repo_url '{_short(url)}' must be file:///absolute/path"
        return None
    if scheme not in ("https", "ssh"):
        return f"repo_url scheme '{scheme}' is not allowed (use https, ssh, git@host:owner/name or file://)"
    try:
        host, port = parts.hostname, parts.port
    except ValueError:
        return f"repo_url '{_short(url)}' has a malformed host or port"
    del port
    if not host or not _HOST.match(host):
        return f"repo_url '{_short(url)}' has a malformed host"
    if parts.password is not None or (scheme == "https" and parts.username is not None):
        return "repo_url must not contain credentials (use the token environment variable instead)"
    if parts.query or parts.fragment:
        return f"repo_url '{_short(url)}' must not have a query or fragment"
    path = parts.path.strip("/")
    if not path or not _repo_path_ok(path):
        return f"repo_url '{_short(url)}' has a malformed repository path"
    return None


def normalise_repo_url(url: str) -> tuple[str, str | None]:
    """(the URL git should use, a note on what changed or None) for a roster `repo_url`.

    A GitHub repository typed as a web address becomes `https://github.com/OWNER/NAME` (`.git` kept when
    given): no scheme, `http://`, `www.`, a trailing slash or a page below the repository
    (`/tree/main`, `/blob/...`). Anything else is returned as it is (`check_repo_url` judges it).
    """
    m = _GITHUB_TYPED.match(url)
    if not m or m["owner"].startswith("-") or m["owner"] in (".", ".."):
        return url, None
    clean = f"https://github.com/{m['owner']}/{m['name']}"
    if clean == url:
        return url, None
    note = f"repo_url '{_short(url)}' read as {clean}"
    rest = (m["rest"] or "").strip("/")
    if rest.startswith("tree/") and rest != "tree":
        note += " (the branch in the address is not used: set `branch` in the roster's settings)"
    return clean, note


def web_url(repo_url: str, commit: str | None = None, path: str | None = None) -> str | None:
    """The repository's GitHub page (`https://github.com/OWNER/NAME`), or None when not on GitHub.

    With `commit` the link is to the tree at that commit; with `path` too, to that file's blob page.
    Other https hosts get their URL without `.git`, but only without commit/path (forges differ).
    """
    url = repo_url.strip()
    owner_name: str | None = None
    m = _SCP.match(url)
    if m and "://" not in url:
        if m["host"].lower() in _GITHUB_HOSTS:
            owner_name = m["path"]
    else:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if parts.scheme.lower() in ("https", "http", "ssh", "git") and host in _GITHUB_HOSTS:
            owner_name = parts.path
        elif parts.scheme.lower() == "https" and host and commit is None and path is None:
            clean = parts.path.rstrip("/").removesuffix(".git")
            return f"https://{parts.netloc.rsplit('@', 1)[-1]}{clean}" if clean else None
    if owner_name is None:
        return None
    segments = [s for s in owner_name.strip("/").split("/") if s]
    if len(segments) != 2:
        return None
    owner, name = segments[0], segments[1].removesuffix(".git")
    if not owner or not name:
        return None
    base = f"https://github.com/{owner}/{name}"
    if commit and path:
        return f"{base}/blob/{commit}/{path.lstrip('/')}"
    if commit:
        return f"{base}/tree/{commit}"
    return base


def safe_ref(ref: str) -> bool:
    """A conservative check that `ref` is a usable branch/tag name or commit id (no options, no tricks)."""
    if not ref or ref.startswith(("-", "/", ".")) or ref.endswith(("/", ".", ".lock")):
        return False
    if ".." in ref or "//" in ref or "@{" in ref or ref == "@":
        return False
    return not re.search(r"[\x00-\x20\x7f~^:?*\[\\]", ref)


# --- helpers ---------------------------------------------------------------------------------------


def _parse_row(
    cohort: str, header: list[str], cells: list[str], where: str, line: int, seen: dict[int, int]
) -> tuple[RosterEntry | None, Problem | None]:
    if len(cells) > len(header) and any(cells[len(header) :]):
        return None, Problem(
            where,
            f"row has {len(cells)} cells but the header has {len(header)}; row skipped",
            severity="error",
        )
    if len(cells) < len(header):
        return None, Problem(
            where,
            f"row has {len(cells)} cells but the header has {len(header)} "
            f"(missing column {', '.join(header[len(cells) :])}); row skipped",
            severity="error",
        )
    row = dict(zip(header, cells, strict=False))
    text = row["group_number"]
    if not re.fullmatch(r"\d+", text) or int(text) == 0:
        shown = f"'{_short(text)}'" if text else "empty"
        return None, Problem(
            where, f"group_number {shown} is not a positive whole number; row skipped", severity="error"
        )
    group = int(text)
    if group in seen:
        return None, Problem(
            where,
            f"duplicate group number {group} (first on line {seen[group]}); row skipped",
            severity="error",
        )
    url, note = normalise_repo_url(row["repo_url"])
    why = check_repo_url(url)
    if why:
        return None, Problem(where, f"group {group}: {why}; row skipped", severity="error")
    students = tuple(row[c] for c in header if c.startswith("student") and row[c])
    entry = RosterEntry(cohort=cohort, group=group, repo_url=url, students=students, line=line)
    return entry, Problem(where, f"group {group}: {note}", severity="info") if note else None


def _with_ref(entry: RosterEntry, ref: str) -> RosterEntry:
    return RosterEntry(
        cohort=entry.cohort,
        group=entry.group,
        repo_url=entry.repo_url,
        students=entry.students,
        line=entry.line,
        ref=ref,
    )


def _repo_path_ok(path: str) -> bool:
    segments = path.strip("/").split("/")
    return all(s and s not in (".", "..") and not s.startswith("-") for s in segments)


def settings_files(csv_path: Path) -> tuple[Path, ...]:
    """Where a roster's settings may be, in the order they are looked for: `<stem>.yml`, `<stem>.yaml`."""
    return tuple(Path(csv_path).with_suffix(suffix) for suffix in (".yml", ".yaml"))


def _settings_path(csv_path: Path) -> Path | None:
    return next((side for side in settings_files(csv_path) if side.is_file()), None)


def _settings_where(csv_path: Path) -> str:
    side = _settings_path(csv_path)
    return str(side) if side else str(csv_path)


def _short(text: str, limit: int = 80) -> str:
    text = _BAD_CHARS.sub(" ", text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _plain(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
