"""Build the embedded demo archive: one bare git repo per invented group in `reports/demo/`.

    python scripts/make_demo.py [--out DIR]      # default: .cache/demo/repos (relative to the repo root)

Each `reports/demo/groups/<cohort>/<group>/group.yml` describes one group repo: its name, template version,
branch, the "mess" to apply to the report and the commit history to create. The report
(`reports/README.md`) is generated per commit from the blank template in `reports/demo/templates/` and the
group's `answers.yml`; figures are generated as small valid PNG / JPEG / SVG files. The repos are written
with `git fast-import` under a fixed author and fixed dates, so the commit shas are the same on every
machine and every run. They land at `<out>/cohort-archive-demo/<name>.git`, the path that the roster URL
`https://github.com/cohort-archive-demo/<name>` maps to (rewrite that prefix to
`<out>/cohort-archive-demo/`). Rerunning rebuilds everything aside and then replaces
`<out>/cohort-archive-demo/`.

Library use: `make_demo(out) -> dict` (see its docstring).
"""

from __future__ import annotations

import argparse
import hashlib
import math
import os
import re
import shutil
import struct
import subprocess
import sys
import time
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
DEMO_DIR = REPO_ROOT / "reports" / "demo"
DEFAULT_OUT = REPO_ROOT / ".cache" / "demo" / "repos"
OWNER = "cohort-archive-demo"
URL_PREFIX = f"https://github.com/{OWNER}/"
AUTHOR = "Demo Student <demo@example.invalid>"
REPORT_PATH = "reports/README.md"

QUESTION_RE = re.compile(r"^### Question (\d+)\s*$")
HEADING_RE = re.compile(r"^#{1,6}\s")


# --- the group spec --------------------------------------------------------------------------------


@dataclass
class Commit:
    """One commit to create: when, what message, and how the tree changes."""

    date: datetime
    message: str
    add: list[str] = field(default_factory=list)  # paths from `files`, or generated figures
    delete: list[str] = field(default_factory=list)
    symlinks: dict[str, str] = field(default_factory=dict)  # path -> link target
    report: dict[str, Any] | None = None  # how to (re)write reports/README.md; None keeps it as it is
    tag: str | None = None  # annotated tag on this commit


@dataclass
class GroupSpec:
    """A group's `group.yml`, loaded."""

    cohort: str
    group: int
    dir: Path
    repo: str
    template: str | None
    branch: str = "main"
    create: bool = True  # False: the roster points at a repo that does not exist
    mess: dict[str, Any] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
    commits: list[Commit] = field(default_factory=list)
    expect: dict[str, Any] = field(default_factory=dict)
    demonstrates: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.cohort}/{self.group}"

    @property
    def url(self) -> str:
        return URL_PREFIX + self.repo


def _as_datetime(value: Any) -> datetime:
    dt = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if dt.tzinfo is None:
        raise ValueError(f"commit date {value!r} needs a UTC offset")
    return dt


def load_group(path: Path) -> GroupSpec:
    """Read one `group.yml`."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    commits = [
        Commit(
            date=_as_datetime(c["date"]),
            message=str(c["message"]),
            add=list(c.get("add", [])),
            delete=list(c.get("delete", [])),
            symlinks=dict(c.get("symlinks", {})),
            report=({} if c["report"] == "final" else c["report"]) if "report" in c else None,
            tag=c.get("tag"),
        )
        for c in data.get("commits", [])
    ]
    return GroupSpec(
        cohort=path.parent.parent.name,
        group=int(path.parent.name),
        dir=path.parent,
        repo=data["repo"],
        template=data.get("template"),
        branch=data.get("branch", "main"),
        create=data.get("create", True),
        mess=data.get("mess", {}) or {},
        files=data.get("files", {}) or {},
        commits=commits,
        expect=data.get("expect", {}) or {},
        demonstrates=list(data.get("demonstrates", [])),
    )


def load_groups(demo_dir: Path = DEMO_DIR) -> list[GroupSpec]:
    """Every group spec, ordered by cohort then group number."""
    specs = [load_group(p) for p in (demo_dir / "groups").glob("*/*/group.yml")]
    return sorted(specs, key=lambda s: (s.cohort, s.group))


# --- filling the blank template ----------------------------------------------------------------------


def _ranges(spec: str | list[int] | None) -> set[int]:
    """`"1-5,9"` or `[1, 2]` -> a set of 1-based numbers."""
    if spec is None:
        return set()
    if isinstance(spec, list):
        return {int(x) for x in spec}
    out: set[int] = set()
    for part in str(spec).split(","):
        if "-" in part:
            lo, hi = part.split("-")
            out.update(range(int(lo), int(hi) + 1))
        elif part.strip():
            out.add(int(part))
    return out


def _numbers(value: Any, every: list[int]) -> set[int]:
    return set(every) if value == "all" else _ranges(value)


def _render_checklist(lines: list[str], mess: dict[str, Any]) -> list[str]:
    mode = mess.get("checklist", "ticked")
    if mode == "deleted":
        return []
    ticked = _ranges(mess.get("ticked")) if mode in ("ticked", "malformed") else set()
    out, item = [], 0
    for line in lines:
        if line.startswith("* [ ] "):
            item += 1
            on = item in ticked
            box = ("[X]" if on else "[]") if mode == "malformed" else ("[x]" if on else "[ ]")
            line = f"* {box} {line[6:]}"
        out.append(line)
    return out


def _front_matter_lines(lines: list[str]) -> list[str]:
    if lines and lines[0] == "---":
        end = lines.index("---", 1)
        return [*lines[: end + 1], ""]
    return []


def fill_template(blank: str, answers: dict[int, str], mess: dict[str, Any]) -> bytes:
    """The blank template with `answers` filled in and the group's `mess` applied; the file's bytes.

    mess keys: quote / dashes / keep_placeholder (question numbers or "all": answer inside the `>` quote,
    wrapped in `--- ... ---`, or written below the placeholder that was left in), checklist (ticked,
    unticked, deleted, malformed) with ticked (item numbers "1-5,9"), delete_headings, edit_headings
    ({n: line}), strip ({header: ...}: no instructions, checklist, examples or `Answer:` markers),
    front_matter (YAML text to prepend), stray_bom_before (insert U+FEFF before this text, if present),
    latin1 (words to write in Latin-1: a non-UTF-8 byte), crlf, bom.
    """
    lines = blank.replace("\r\n", "\n").split("\n")
    heads = [i for i, line in enumerate(lines) if QUESTION_RE.match(line)]
    numbers = [int(QUESTION_RE.match(lines[i]).group(1)) for i in heads]  # type: ignore[union-attr]
    checklist_at = lines.index("## Overall project checklist")
    info_at = lines.index("## Group information")
    strip = mess.get("strip")
    quote = _numbers(mess.get("quote"), numbers)
    dashes = _numbers(mess.get("dashes"), numbers)
    keep = _numbers(mess.get("keep_placeholder"), numbers)
    delete_heads = _ranges(mess.get("delete_headings"))
    edit_heads = {int(k): v for k, v in (mess.get("edit_headings") or {}).items()}

    out: list[str] = []
    if strip:
        out += [*_front_matter_lines(lines[:checklist_at]), strip["header"], ""]
    else:
        out += lines[:checklist_at]
        out += _render_checklist(lines[checklist_at:info_at], mess)
    out += lines[info_at : heads[0]]
    for k, (head, n) in enumerate(zip(heads, numbers, strict=True)):
        stop = heads[k + 1] if k + 1 < len(heads) else len(lines)
        last_quote, j = head, head + 1
        while j < stop and not HEADING_RE.match(lines[j]):
            if lines[j].startswith(">"):
                last_quote = j
            elif lines[j].strip():
                break
            j += 1
        region_end = next((i for i in range(last_quote + 1, stop) if HEADING_RE.match(lines[i])), stop)
        prompt = lines[head + 1 : last_quote + 1]
        region = lines[last_quote + 1 : region_end]
        if strip:
            prompt = [p for p in prompt if p.startswith("> **")]
        answer = answers.get(n)
        if answer is not None:
            body = answer.strip("\n").split("\n")
            if n in quote:
                prompt = [*prompt, ">", *(f"> {b}" if b else ">" for b in body)]
                region = [""]
            elif n in dashes:
                body = [f"--- {body[0]}", *body[1:]]
                body[-1] += " ---"
                region = ["", *body, ""]
            elif n in keep:
                region = ["", f"--- question {n} fill here ---", "", *body, ""]
            else:
                region = ["", *body, ""]
        if n not in delete_heads:
            out.append(edit_heads.get(n, lines[head]))
        out += prompt + region + lines[region_end:stop]

    text = "\n".join(out).rstrip("\n") + "\n"
    if mess.get("front_matter"):
        text = f"---\n{mess['front_matter'].strip()}\n---\n\n{text}"
    if mess.get("stray_bom_before"):  # drafts may not contain the marker yet
        text = text.replace(mess["stray_bom_before"], "\ufeff" + mess["stray_bom_before"], 1)
    data = text.encode("utf-8")
    for word in mess.get("latin1", []):
        data = data.replace(word.encode("utf-8"), word.encode("latin-1"))
    if mess.get("crlf"):
        data = data.replace(b"\n", b"\r\n")
    if mess.get("bom"):
        data = b"\xef\xbb\xbf" + data
    return data


def load_answers(path: Path) -> dict[int, str]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {int(k): str(v) for k, v in data.items()}


def render_report(spec: GroupSpec, how: dict[str, Any], demo_dir: Path) -> bytes:
    """reports/README.md for one commit. `how`: {file} verbatim, else {answers, answered, overlay, template}."""
    if how.get("file"):
        return (spec.dir / how["file"]).read_bytes()
    template = how.get("template", spec.template)
    blank = (demo_dir / "templates" / f"{template}.md").read_text(encoding="utf-8")
    answers = load_answers(spec.dir / how.get("answers", "answers.yml"))
    if "answered" in how:
        keep = _ranges(how["answered"])
        answers = {n: a for n, a in answers.items() if n in keep}
    answers.update({int(k): str(v) for k, v in (how.get("overlay") or {}).items()})
    return fill_template(blank, answers, spec.mess)


# --- figures: small valid images without Pillow -----------------------------------------------------


def _palette(seed: str) -> list[tuple[int, int, int]]:
    h = hashlib.sha256(seed.encode("utf-8")).digest()
    return [(h[i], h[i + 1], h[i + 2]) for i in range(0, 30, 3)]


def _mix(a: tuple[int, int, int], b: tuple[int, int, int], t: float) -> tuple[int, int, int]:
    return (round(a[0] + (b[0] - a[0]) * t), round(a[1] + (b[1] - a[1]) * t), round(a[2] + (b[2] - a[2]) * t))


def _chart(seed: str, width: int, height: int, unit: int = 1) -> list[list[tuple[int, int, int]]]:
    """A fake dashboard screenshot: title bar, tinted background, grid and one curve; colours from seed.

    `unit` is the size of one cell in pixels (8 for the JPEG's flat 8x8 blocks).
    """
    pal = _palette(seed)
    bar = _mix(pal[0], (20, 20, 30), 0.6)
    bg = _mix(pal[1], (255, 255, 255), 0.85)
    grid = _mix(bg, (0, 0, 0), 0.12)
    curve = _mix(pal[2], (0, 0, 0), 0.25)
    rising = pal[3][0] % 2 == 0
    rate = (30 + pal[3][1] % 90) / unit
    wiggle = 0.05 + pal[4][0] / 255
    bar_h = max(1, 16 // unit)
    rows = [[bg] * width for _ in range(height)]
    for y in range(min(bar_h, height)):
        rows[y] = [bar] * width
    for y in range(bar_h, height):
        for x in range(0, width, 40 // unit):
            rows[y][x] = grid
        if y % (30 // unit) == 0:
            rows[y] = [grid] * width
    top, bottom = bar_h + max(1, 8 // unit), height - max(1, 10 // unit)
    for x in range(width):
        v = math.exp(-x / rate)
        v = 1 - v if rising else v
        v += 0.04 * math.sin(x * unit * wiggle / 8)
        y = round(bottom - (bottom - top) * min(max(v, 0.0), 1.0))
        for dy in (-1, 0, 1) if unit == 1 else (0,):
            if bar_h <= y + dy < height:
                rows[y + dy][x] = curve
    return rows


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def make_png(seed: str, width: int = 320, height: int = 180) -> bytes:
    """A valid 8-bit RGB PNG (zlib + struct)."""
    raw = bytearray()
    for row in _chart(seed, width, height):
        raw.append(0)
        for px in row:
            raw.extend(px)
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", zlib.compress(bytes(raw), 9))
        + _png_chunk(b"IEND", b"")
    )


# Standard DC Huffman tables (JPEG Annex K); the AC tables hold one symbol, EOB, since blocks are flat.
_DC_BITS = (
    (0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0),
    (0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0),
)
_AC_BITS = (1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)


def _huffman_codes(bits: tuple[int, ...], values: list[int]) -> dict[int, tuple[int, int]]:
    codes, code, k = {}, 0, 0
    for length, count in enumerate(bits, 1):
        for _ in range(count):
            codes[values[k]] = (code, length)
            code += 1
            k += 1
        code <<= 1
    return codes


class _BitWriter:
    def __init__(self) -> None:
        self.out = bytearray()
        self.acc = 0
        self.n = 0

    def write(self, value: int, length: int) -> None:
        self.acc = (self.acc << length) | (value & ((1 << length) - 1))
        self.n += length
        while self.n >= 8:
            self.n -= 8
            byte = (self.acc >> self.n) & 0xFF
            self.out.append(byte)
            if byte == 0xFF:
                self.out.append(0)
        self.acc &= (1 << self.n) - 1

    def flush(self) -> bytes:
        if self.n:
            self.write((1 << (8 - self.n)) - 1, 8 - self.n)
        return bytes(self.out)


def make_jpeg(seed: str, width: int = 320, height: int = 180) -> bytes:
    """A valid baseline JFIF JPEG made of flat 8x8 blocks (only DC coefficients), YCbCr 4:4:4."""
    bw, bh = (width + 7) // 8, (height + 7) // 8
    chart = _chart(seed, bw, bh, unit=8)
    dc_codes = [_huffman_codes(b, list(range(12))) for b in _DC_BITS]
    segments = bytearray(b"\xff\xd8")
    segments += b"\xff\xe0" + struct.pack(">H5sBBBHHBB", 16, b"JFIF\0", 1, 1, 0, 1, 1, 0, 0)
    for table in (0, 1):
        segments += b"\xff\xdb" + struct.pack(">HB", 67, table) + bytes([1] * 64)
    segments += b"\xff\xc0" + struct.pack(">HBHHB", 17, 8, height, width, 3)
    segments += bytes([1, 0x11, 0, 2, 0x11, 1, 3, 0x11, 1])
    for cls_id, bits, values in (
        (0x00, _DC_BITS[0], list(range(12))),
        (0x10, _AC_BITS, [0]),
        (0x01, _DC_BITS[1], list(range(12))),
        (0x11, _AC_BITS, [0]),
    ):
        body = bytes([cls_id, *bits, *values])
        segments += b"\xff\xc4" + struct.pack(">H", len(body) + 2) + body
    segments += b"\xff\xda" + struct.pack(">HB", 12, 3) + bytes([1, 0x00, 2, 0x11, 3, 0x11, 0, 63, 0])
    writer, pred = _BitWriter(), [0, 0, 0]
    for by in range(bh):
        for bx in range(bw):
            r, g, b = chart[by][bx]
            ycc = (
                0.299 * r + 0.587 * g + 0.114 * b,
                128 - 0.168736 * r - 0.331264 * g + 0.5 * b,
                128 + 0.5 * r - 0.418688 * g - 0.081312 * b,
            )
            for comp, value in enumerate(ycc):
                dc = 8 * (min(max(round(value), 0), 255) - 128)
                diff, pred[comp] = dc - pred[comp], dc
                size = abs(diff).bit_length()
                code, length = dc_codes[0 if comp == 0 else 1][size]
                writer.write(code, length)
                if size:
                    writer.write(diff if diff > 0 else diff + (1 << size) - 1, size)
                writer.write(0, 1)  # EOB: the single AC code
    return bytes(segments) + writer.flush() + b"\xff\xd9"


def make_svg(seed: str, label: str, width: int = 320, height: int = 180) -> bytes:
    """A small SVG diagram: three labelled boxes joined by arrows."""
    pal = _palette(seed)
    fill = "#{:02x}{:02x}{:02x}".format(*_mix(pal[0], (255, 255, 255), 0.75))
    box = "#{:02x}{:02x}{:02x}".format(*_mix(pal[1], (0, 0, 0), 0.3))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">',
        f'  <rect width="{width}" height="{height}" fill="{fill}"/>',
    ]
    for i, name in enumerate(("data", "train", "serve")):
        x = 20 + i * 100
        parts.append(f'  <rect x="{x}" y="60" width="80" height="40" rx="6" fill="{box}"/>')
        parts.append(
            f'  <text x="{x + 40}" y="85" font-family="sans-serif" font-size="13" fill="#fff" '
            f'text-anchor="middle">{name}</text>'
        )
        if i < 2:
            parts.append(f'  <path d="M{x + 82} 80 H{x + 98}" stroke="{box}" stroke-width="3"/>')
    parts.append(
        f'  <text x="{width // 2}" y="150" font-family="sans-serif" font-size="14" fill="#222" '
        f'text-anchor="middle">{escape(label)}</text>'
    )
    parts.append("</svg>")
    return ("\n".join(parts) + "\n").encode("utf-8")


def make_figure(seed: str, path: str) -> bytes:
    """Generated image bytes for a path, by its extension."""
    suffix = Path(path).suffix.lower()
    if suffix == ".png":
        return make_png(seed)
    if suffix in (".jpg", ".jpeg"):
        return make_jpeg(seed)
    if suffix == ".svg":
        return make_svg(seed, Path(path).stem)
    raise ValueError(f"{path}: no content in `files:` and not a .png/.jpg/.jpeg/.svg to generate")


# --- writing the repos ----------------------------------------------------------------------------


def _git_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull, LC_ALL="C", GIT_TERMINAL_PROMPT="0")
    return env


def _git(args: list[str], cwd: Path | None = None, data: bytes | None = None) -> str:
    done = subprocess.run(
        ["git", *args], cwd=cwd, input=data, capture_output=True, env=_git_env(), check=False
    )
    if done.returncode:
        raise RuntimeError(f"git {' '.join(args)} failed: {done.stderr.decode(errors='replace')}")
    return done.stdout.decode().strip()


def _quote(path: str) -> bytes:
    return b'"' + path.replace("\\", "\\\\").replace('"', '\\"').encode("utf-8") + b'"'


def _data(payload: bytes) -> bytes:
    return b"data %d\n" % len(payload) + payload + b"\n"


def _stamp(dt: datetime) -> bytes:
    offset = int(dt.utcoffset().total_seconds()) // 60  # type: ignore[union-attr]
    sign = "+" if offset >= 0 else "-"
    return f"{AUTHOR} {int(dt.timestamp())} {sign}{abs(offset) // 60:02d}{abs(offset) % 60:02d}".encode()


def fast_import_stream(spec: GroupSpec, demo_dir: Path) -> bytes:
    """The `git fast-import` input that creates the group's whole history."""
    stream = bytearray()
    for mark, commit in enumerate(spec.commits, 1):
        stream += b"commit refs/heads/%s\nmark :%d\n" % (spec.branch.encode(), mark)
        stream += b"author " + _stamp(commit.date) + b"\ncommitter " + _stamp(commit.date) + b"\n"
        stream += _data(commit.message.rstrip("\n").encode("utf-8") + b"\n")
        if mark > 1:
            stream += b"from :%d\n" % (mark - 1)
        for path in commit.delete:
            stream += b"D " + _quote(path) + b"\n"
        for path in commit.add:
            if path in spec.files:
                content = spec.files[path].encode("utf-8")
            else:
                content = make_figure(f"{spec.repo}/{path}", path)
            stream += b"M 100644 inline " + _quote(path) + b"\n" + _data(content)
        for path, target in commit.symlinks.items():
            stream += b"M 120000 inline " + _quote(path) + b"\n" + _data(target.encode("utf-8"))
        if commit.report is not None:
            content = render_report(spec, commit.report, demo_dir)
            stream += b"M 100644 inline " + _quote(REPORT_PATH) + b"\n" + _data(content)
        stream += b"\n"
        if commit.tag:
            stream += b"tag %s\nfrom :%d\n" % (commit.tag.encode(), mark)
            stream += b"tagger " + _stamp(commit.date) + b"\n" + _data(f"{commit.tag}\n".encode())
    return bytes(stream + b"done\n")


def build_repo(spec: GroupSpec, dest: Path, demo_dir: Path = DEMO_DIR) -> str:
    """Create the bare repo `dest` with the group's history; return the branch head sha."""
    _git(["init", "--quiet", "--bare", f"--initial-branch={spec.branch}", str(dest)])
    _git(["fast-import", "--quiet", "--done"], cwd=dest, data=fast_import_stream(spec, demo_dir))
    with (dest / "config").open("a", encoding="utf-8") as config:
        config.write("[uploadpack]\n\tallowFilter = true\n\tallowAnySHA1InWant = true\n")
    return _git(["rev-parse", f"refs/heads/{spec.branch}"], cwd=dest)


def make_demo(out: Path = DEFAULT_OUT, demo_dir: Path = DEMO_DIR, *, verbose: bool = False) -> dict[str, Any]:
    """Rebuild every demo group repo under `out/cohort-archive-demo/`.

    Returns {"out": out, "owner_dir": out/cohort-archive-demo, "rosters": demo_dir/rosters,
    "url_rewrites": {URL_PREFIX: "file://…/cohort-archive-demo/"}, "repos": {"cohort/group": Path},
    "heads": {"cohort/group": sha}, "specs": {"cohort/group": GroupSpec}}; groups with `create: false`
    (the intentionally unavailable ones) are only in "specs".
    """
    out = Path(out).resolve()
    owner_dir = out / OWNER
    staging = out / f".{OWNER}.tmp-{os.getpid()}"  # built aside, swapped in at the end
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    result: dict[str, Any] = {
        "out": out,
        "owner_dir": owner_dir,
        "rosters": demo_dir / "rosters",
        "url_rewrites": {URL_PREFIX: owner_dir.as_uri() + "/"},
        "repos": {},
        "heads": {},
        "specs": {},
    }
    for spec in load_groups(demo_dir):
        result["specs"][spec.key] = spec
        if not spec.create:
            if verbose:
                print(f"  {spec.key:<18} {spec.repo:<28} (not created: unavailable on purpose)")
            continue
        head = build_repo(spec, staging / f"{spec.repo}.git", demo_dir)
        result["repos"][spec.key] = owner_dir / f"{spec.repo}.git"
        result["heads"][spec.key] = head
        if verbose:
            tags = [c.tag for c in spec.commits if c.tag]
            extra = f" tag {','.join(tags)}" if tags else ""
            commits = f"{len(spec.commits)} commits"
            print(f"  {spec.key:<18} {spec.repo:<28} {spec.branch:<6} {commits} {head[:10]}{extra}")
    if owner_dir.exists():
        shutil.rmtree(owner_dir)
    staging.rename(owner_dir)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default %(default)s)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    print(f"Building demo repos in {args.out.resolve() / OWNER}")
    result = make_demo(args.out, verbose=True)
    print(
        f"Made {len(result['repos'])} repos in {time.perf_counter() - started:.1f} s. Rosters: {result['rosters']}\n"
        f"Rewrite {URL_PREFIX} -> {result['url_rewrites'][URL_PREFIX]}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
