"""The embedded demo archive: `scripts/make_demo.py` turns `reports/demo/` into real bare git repos."""

from __future__ import annotations

import csv
import functools
import importlib.util
import os
import re
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
import zlib
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import REPO, templates_dir

DEMO = REPO / "reports" / "demo"
TEMPLATES = ("2023-january", "2024-january", "2025-january", "2026-january")


def _load_make_demo() -> Any:
    spec = importlib.util.spec_from_file_location("make_demo", REPO / "scripts" / "make_demo.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_demo"] = module
    spec.loader.exec_module(module)
    return module


md = _load_make_demo()


def git(repo: Path, *args: str) -> bytes:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, check=True).stdout


@functools.cache
def blob(repo: Path, rev: str, path: str) -> bytes | None:
    done = subprocess.run(["git", "cat-file", "blob", f"{rev}:{path}"], cwd=repo, capture_output=True)
    return done.stdout if done.returncode == 0 else None


def text(data: bytes) -> str:
    return data.decode("utf-8", errors="replace").replace("\r\n", "\n")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return md.make_demo(tmp_path_factory.mktemp("demo"))


def roster_rows() -> list[tuple[str, int | str, str]]:
    rows = []
    for path in sorted((DEMO / "rosters").glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                group = int(row["group_number"]) if row["group_number"].isdigit() else row["group_number"]
                rows.append((path.stem, group, row["repo_url"]))
    return rows


def cohort_settings(cohort: str) -> dict[str, Any]:
    path = DEMO / "rosters" / f"{cohort}.yml"
    return yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}


def archive_rev(spec: Any, repo: Path) -> str:
    """The commit the archive must use for a group: its pin, else its last commit by the deadline, else HEAD."""
    settings = cohort_settings(spec.cohort)
    pins = {int(k): v for k, v in (settings.get("pins") or {}).items()}
    if spec.group in pins:
        return git(repo, "rev-parse", f"{pins[spec.group]}^{{commit}}").decode().strip()
    if settings.get("deadline"):
        deadline = datetime.fromisoformat(str(settings["deadline"]))
        return git(repo, "rev-list", "-1", f"--before={deadline.isoformat()}", "HEAD").decode().strip()
    return git(repo, "rev-parse", "HEAD").decode().strip()


def report_at(demo: dict[str, Any], key: str, rev: str = "HEAD") -> str | None:
    data = blob(demo["repos"][key], rev, md.REPORT_PATH)
    return None if data is None else text(data)


# --- rosters and repos ----------------------------------------------------------------------------


def test_every_roster_row_has_a_repo_except_the_intended_failures(demo: dict[str, Any]) -> None:
    specs = demo["specs"]
    bad_rows, seen = [], set()
    for cohort, group, url in roster_rows():
        if not url.startswith(md.URL_PREFIX):
            bad_rows.append((cohort, group, url))
            continue
        key = f"{cohort}/{group}"
        seen.add(key)
        assert key in specs, f"roster row {key} has no groups/{key}/group.yml"
        assert specs[key].url == url
        repo = demo["out"] / md.OWNER / f"{specs[key].repo}.git"
        assert repo.is_dir() == specs[key].create, key
    assert seen == set(specs), "every group spec must have a roster row"
    assert [(c, g) for c, g, u in bad_rows if u.startswith("ext::")] == [("2024-january", 21)]
    assert len(bad_rows) == 1
    unavailable = [k for k, s in specs.items() if not s.create]
    assert unavailable == ["2023-january/15"]
    assert specs["2023-january/15"].expect["status"] == "unavailable"
    assert len(demo["repos"]) >= 12


def test_roster_format_and_side_files() -> None:
    for cohort in TEMPLATES:
        lines = (DEMO / "rosters" / f"{cohort}.csv").read_text(encoding="utf-8").splitlines()
        assert lines[0] == "group_number,student_1,student_2,student_3,student_4,student_5,repo_url"
        assert 3 <= len(lines) - 1 <= 5
        settings = cohort_settings(cohort)
        assert settings["title"]
    settings = cohort_settings("2025-january")
    assert datetime.fromisoformat(settings["deadline"]).tzinfo is not None
    assert settings["pins"] == {18: "v1.0-handin"}
    for _, _, url in roster_rows():
        assert url.startswith(md.URL_PREFIX) or url.startswith("ext::")
    rosters = "".join(path.read_text(encoding="utf-8") for path in (DEMO / "rosters").glob("*.csv"))
    ids = re.findall(r"\bs9\d{5}\b", rosters)
    assert ids and len(ids) == len(set(ids)), "student ids are fake (s9NNNNN) and unique"


def test_students_of_the_roster_appear_in_their_report(demo: dict[str, Any]) -> None:
    for path in sorted((DEMO / "rosters").glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                key = f"{path.stem}/{row['group_number']}"
                report = report_at(demo, key) if key in demo["repos"] else None
                if report is None:
                    continue
                students = [row[f"student_{i}"] for i in range(1, 6) if row[f"student_{i}"]]
                assert all(s in report for s in students), key


def test_repos_are_bare_with_branch_config_and_status(demo: dict[str, Any]) -> None:
    for key, repo in demo["repos"].items():
        spec = demo["specs"][key]
        assert git(repo, "rev-parse", "--is-bare-repository").strip() == b"true"
        assert git(repo, "symbolic-ref", "HEAD").decode().strip() == f"refs/heads/{spec.branch}"
        assert git(repo, "config", "uploadpack.allowFilter").strip() == b"true"
        assert git(repo, "config", "uploadpack.allowAnySHA1InWant").strip() == b"true"
        assert int(git(repo, "rev-list", "--count", "HEAD")) >= 2, "an early draft and the hand-in at least"
        authors = set(git(repo, "log", "--format=%an <%ae>|%cn <%ce>").decode().split())
        assert authors <= {"Demo", "Student", "<demo@example.invalid>|Demo", "<demo@example.invalid>"}
        has_report = blob(repo, "HEAD", md.REPORT_PATH) is not None
        assert has_report == (spec.expect["status"] == "ok"), key
    assert demo["specs"]["2023-january/7"].branch == "master"
    assert demo["specs"]["2024-january/20"].expect["status"] == "no-report"


def test_shas_are_reproducible_and_rebuilding_is_idempotent(demo: dict[str, Any], tmp_path: Path) -> None:
    first = md.make_demo(tmp_path / "again")
    second = md.make_demo(tmp_path / "again")
    assert first["heads"] == demo["heads"] == second["heads"]
    tag = "refs/tags/v1.0-handin"
    assert git(first["repos"]["2025-january/18"], "rev-parse", tag) == git(
        demo["repos"]["2025-january/18"], "rev-parse", tag
    )


def test_partial_clone_through_url_rewrite(demo: dict[str, Any], tmp_path: Path) -> None:
    env = {
        **os.environ,
        "GIT_CONFIG_COUNT": "1",
        "GIT_CONFIG_KEY_0": f"url.{demo['url_rewrites'][md.URL_PREFIX]}.insteadOf",
        "GIT_CONFIG_VALUE_0": md.URL_PREFIX,
    }
    url = demo["specs"]["2025-january/5"].url
    subprocess.run(
        ["git", "clone", "--quiet", "--filter=blob:none", "--no-checkout", url, str(tmp_path / "c")],
        env=env,
        check=True,
    )
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=tmp_path / "c", capture_output=True, env=env)
    assert head.stdout.decode().strip() == demo["heads"]["2025-january/5"]
    missing = subprocess.run(
        ["git", "ls-remote", demo["specs"]["2023-january/15"].url], env=env, capture_output=True
    )
    assert missing.returncode != 0


# --- deadline and pin -----------------------------------------------------------------------------


def test_deadline_and_pin_pick_earlier_commits(demo: dict[str, Any]) -> None:
    late = demo["repos"]["2025-january/5"]
    assert archive_rev(demo["specs"]["2025-january/5"], late) != demo["heads"]["2025-january/5"]
    pinned = demo["repos"]["2025-january/18"]
    assert git(pinned, "cat-file", "-t", "v1.0-handin").strip() == b"tag", "an annotated tag"
    assert archive_rev(demo["specs"]["2025-january/18"], pinned) != demo["heads"]["2025-january/18"]
    deadline = datetime.fromisoformat(cohort_settings("2025-january")["deadline"])
    last = git(pinned, "log", "-1", "--format=%cI", "HEAD").decode().strip()
    assert datetime.fromisoformat(last) <= deadline, "the pin, not the deadline, must explain group 18"


# --- search phrases -------------------------------------------------------------------------------


def test_search_phrases_are_where_the_list_says(demo: dict[str, Any]) -> None:
    phrases = yaml.safe_load((DEMO / "search_phrases.yml").read_text(encoding="utf-8"))["phrases"]
    assert len({p["phrase"] for p in phrases}) == len(phrases)
    keys_with_reports = [k for k in demo["repos"] if report_at(demo, k) is not None]
    groups_with_phrases = {f"{p['cohort']}/{p['group']}" for p in phrases}
    assert groups_with_phrases == set(keys_with_reports), "every report has distinctive phrases"
    for p in phrases:
        key = f"{p['cohort']}/{p['group']}"
        repo = demo["repos"][key]
        head = report_at(demo, key)
        archived = report_at(demo, key, archive_rev(demo["specs"][key], repo))
        assert head is not None and archived is not None
        if p["archived"]:
            assert p["phrase"] in archived, p
            where = archived
        else:
            assert p["phrase"] in head and p["phrase"] not in archived, p
            where = head
        before = where[: where.index(p["phrase"])]
        numbers = re.findall(r"^### Question (\d+)", before, flags=re.M)
        assert (int(numbers[-1]) if numbers else None) == p["question"], p
        for other in keys_with_reports:
            if other != key:
                assert p["phrase"] not in (report_at(demo, other) or ""), (p, other)


# --- templates ------------------------------------------------------------------------------------


def detect_template(report: str) -> str | None:
    """The template version of a report, by the marker phrases of its instructions."""
    if "uv add typer markdown" in report:
        return "2026-january"
    if "pip install typer markdown" in report:
        return "2025-january"
    if "pip install click markdown" in report:
        return "2023-january" if "development enviroment" in report else "2024-january"
    return None


def test_blank_templates_are_the_course_templates() -> None:
    for template in TEMPLATES:
        blank = (DEMO / "templates" / f"{template}.md").read_text(encoding="utf-8")
        assert detect_template(blank) == template
        assert len(re.findall(r"^### Question \d+", blank, flags=re.M)) == (27 if template < "2025" else 31)
    # the course's text, re-wrapped under 100 columns (same Markdown): word for word the shared copy
    shared = templates_dir()
    for template in TEMPLATES:
        ours = (DEMO / "templates" / f"{template}.md").read_text(encoding="utf-8")
        theirs = (shared / template / "README.md").read_text(encoding="utf-8")
        unquote = re.compile(r"^[ \t]*>[ \t]?", flags=re.M)
        assert unquote.sub("", ours).split() == unquote.sub("", theirs).split(), template
        assert max(len(line) for line in ours.splitlines()) < 100


def test_every_template_version_is_used_and_detectable(demo: dict[str, Any]) -> None:
    used = set()
    for key in demo["repos"]:
        spec = demo["specs"][key]
        report = report_at(demo, key)
        if report is None:
            continue
        detected = detect_template(report)
        if spec.mess.get("strip") or spec.template is None:
            assert detected is None, key
        else:
            assert detected == spec.template, key
            used.add(detected)
    assert used == set(TEMPLATES)
    assert demo["specs"]["2026-january/1"].template == "2025-january"
    assert demo["specs"]["2025-january/11"].template == "2023-january"
    assert demo["specs"]["2026-january/8"].template is None


# --- the messy forms ------------------------------------------------------------------------------


def test_encodings(demo: dict[str, Any]) -> None:
    windows = blob(demo["repos"]["2024-january/14"], "HEAD", md.REPORT_PATH)
    assert windows is not None and windows.startswith(b"\xef\xbb\xbf---\r\n")
    assert windows.count(b"\n") == windows.count(b"\r\n")
    stray = blob(demo["repos"]["2026-january/1"], "HEAD", md.REPORT_PATH)
    assert stray is not None and not stray.startswith(b"\xef\xbb\xbf") and b"\xef\xbb\xbf" in stray
    latin1 = blob(demo["repos"]["2026-january/13"], "HEAD", md.REPORT_PATH)
    assert latin1 is not None and b"\xd8restad" in latin1
    with pytest.raises(UnicodeDecodeError):
        latin1.decode("utf-8")


def test_answer_styles_and_structure(demo: dict[str, Any]) -> None:
    quoted = report_at(demo, "2023-january/7") or ""
    assert "## Overall project checklist" not in quoted
    assert "> Answer:\n>\n> We used Albumentations" in quoted
    assert "[screenshot](figures/wandb_charts.png)" in quoted and "![screenshot]" not in quoted
    assert "![bucket](/reports/figures/bucket.png)" in quoted
    dashed = report_at(demo, "2023-january/12") or ""
    assert "\n--- 12 ---\n" in dashed and "* [x]" not in dashed and "* [ ] Create a git repository" in dashed
    stripped = report_at(demo, "2024-january/2") or ""
    assert "Answer:" not in stripped and "## Overall project checklist" not in stripped
    assert '<img src="figures/wandb_runs.png"' in stripped and "figures/cloud%20build.png" in stripped
    edited = report_at(demo, "2024-january/9") or ""
    assert "### Question 18 CHECK" in edited and "### Question 21" not in edited
    assert "--- question 8 fill here ---\n\nOur total code coverage is 58%" in edited
    assert "\n## Local development\n" in edited and "(<figures/cloud build history.png>)" in edited
    malformed = report_at(demo, "2024-january/14") or ""
    assert "* [X] " in malformed and "* [] " in malformed and "* [ ] " not in malformed
    unanswered = report_at(demo, "2026-january/13") or ""
    for n in demo["specs"]["2026-january/13"].expect["unanswered"]:
        assert f"--- question {n} fill here ---" in unanswered
    front = report_at(demo, "2026-january/4") or ""
    assert front.startswith("---\nlayout: default\n") and "\n## Serving path\n" in front
    assert "### Question" not in (report_at(demo, "2026-january/8") or "")


def test_figure_references_of_every_kind(demo: dict[str, Any]) -> None:
    def files(key: str) -> set[str]:
        return set(git(demo["repos"][key], "ls-tree", "-r", "-z", "--name-only", "HEAD").decode().split("\0"))

    case = report_at(demo, "2023-january/12") or ""
    tree = files("2023-january/12")
    assert "figures/Wandb.png" in case and "reports/figures/wandb.png" in tree
    assert "figures/sweep_parallel.png" in case and "reports/figures/sweep_parallel.png" not in tree
    absolute = report_at(demo, "2025-january/5") or ""
    own = "https://github.com/cohort-archive-demo/glacier-segmentation/blob/main/reports/figures/"
    assert own + "wandb_curves.png" in absolute and own + "wandb_masks.png?raw=true" in absolute
    raw = "https://raw.githubusercontent.com/cohort-archive-demo/glacier-segmentation/main/reports/"
    assert raw in absolute
    assert "https://github.com/user-attachments/assets/" in absolute
    outside = report_at(demo, "2025-january/18") or ""
    tree = files("2025-january/18")
    assert "(../docs/diagrams/arch.png)" in outside and "docs/diagrams/arch.png" in tree
    assert "(../dockerfiles/train.dockerfile)" in outside and "dockerfiles/train.dockerfile" in tree
    assert "our_figures/Página%20de%20inicio.png" in outside
    assert "reports/our_figures/Página de inicio.png" in tree
    hostile = report_at(demo, "2025-january/23") or ""
    needles = (
        "<script>",
        "onerror=",
        "](javascript:",
        "](../../../../etc/passwd)",
        "<iframe",
        "(figures/secrets.png)",
    )
    for needle in needles:
        assert needle in hostile, needle
    link = git(demo["repos"]["2025-january/23"], "ls-tree", "HEAD", "reports/figures/secrets.png").decode()
    assert link.startswith("120000 ")
    assert blob(demo["repos"]["2025-january/23"], "HEAD", "reports/figures/secrets.png") == b"/etc/passwd"


def check_png(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks, idat = 8, [], b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert crc == zlib.crc32(kind + body) & 0xFFFFFFFF
        chunks.append(kind)
        idat += body if kind == b"IDAT" else b""
        pos += 12 + length
    assert chunks[0] == b"IHDR" and chunks[-1] == b"IEND"
    width, height, depth, colour = struct.unpack(">IIBB", data[16:26])
    assert (depth, colour) == (8, 2)
    assert len(zlib.decompress(idat)) == height * (1 + 3 * width)
    return width, height


def check_jpeg(data: bytes) -> tuple[int, int]:
    assert data[:2] == b"\xff\xd8" and data[-2:] == b"\xff\xd9"
    sof = data.index(b"\xff\xc0")
    height, width = struct.unpack(">HH", data[sof + 5 : sof + 9])
    assert b"\xff\xc4" in data and b"\xff\xda" in data and b"\xff\xdb" in data
    return width, height


def test_generated_figures_are_valid_images(demo: dict[str, Any]) -> None:
    kinds = set()
    for repo in demo["repos"].values():
        for path in git(repo, "ls-tree", "-r", "-z", "--name-only", "HEAD").decode().split("\0"):
            suffix = Path(path).suffix.lower()
            data = blob(repo, "HEAD", path)
            if suffix not in (".png", ".jpg", ".jpeg", ".svg") or data is None or data == b"/etc/passwd":
                continue
            kinds.add(suffix)
            if suffix == ".png":
                assert check_png(data) == (320, 180), path
            elif suffix == ".svg":
                assert ET.fromstring(data).tag.endswith("svg"), path
            else:
                assert check_jpeg(data) == (320, 180), path
    assert kinds == {".png", ".jpg", ".jpeg", ".svg"}
    assert md.make_png("x") == md.make_png("x") != md.make_png("y")


def test_some_answers_meet_the_word_limits_and_some_do_not() -> None:
    within, outside = 0, 0
    for spec in md.load_groups():
        if not spec.template or not (spec.dir / "answers.yml").exists():
            continue
        blank = (DEMO / "templates" / f"{spec.template}.md").read_text(encoding="utf-8")
        limits, current = {}, None
        for line in blank.splitlines():
            if q := re.match(r"### Question (\d+)", line):
                current = int(q.group(1))
            if (m := re.search(r"answer length: (\d+)-(\d+) words", line, re.I)) and current:
                limits[current] = (int(m.group(1)), int(m.group(2)))
        for n, answer in md.load_answers(spec.dir / "answers.yml").items():
            if n in limits:
                ok = limits[n][0] <= len(answer.split()) <= limits[n][1]
                within += ok
                outside += not ok
    assert within >= 60 and outside >= 60


def test_readme_describes_every_group() -> None:
    readme = (DEMO / "README.md").read_text(encoding="utf-8")
    for spec in md.load_groups():
        assert spec.repo in readme, spec.key
        assert spec.demonstrates, f"{spec.key}: group.yml lists what it demonstrates"
        assert all(isinstance(d, str) for d in spec.demonstrates), spec.key
