#!/usr/bin/env python3
"""Benchmark the whole archive build beside its peers, in one run, on synthetic corpora.

For each size (default 150, 300 and 600 groups: 1, 2 and 4 cohorts of 150, made by
../shared/bench/make_scale_corpus.py from the real corpus) it measures, under the same timer
(../shared/bench/peer_measure.py: wall time, peak memory of the whole process tree and of the MkDocs process;
worker processes are children of multiprocessing's forkserver, so only the tree's peak counts them):

- ours, cold:   `mkdocs build` with an empty clone cache (fetch + normalise + every view + search + export);
- ours, warm:   the same build again, nothing changed (fetch checks every repo, reports come from the cache);
- ours, serve:  the rebuild `mkdocs serve` does after an edit in docs/ (read from its log);
- plain:        plain MkDocs + Material, default full nav, no plugins, on the same generated Markdown
                (answers inlined as Markdown), i.e. what rendering these pages costs without our plugin;
- multirepo:    mkdocs-multirepo-plugin on the same repos (../shared/bench/peer_multirepo.sh), one raw page
                per group.

Every timed run starts from the same state: its outputs from an earlier run are deleted first, then the
benchmark waits `--settle` seconds, and what earlier runs wrote is flushed to disk (`sync`; a warm build
right after the cold one otherwise shares the disk with the writeback of the cold build's 3 GB). Before a
run that clones (ours cold, multirepo) the corpus is read once, so it is in memory as on a git server
(`warm_corpus`). On ext4 without a journal (this machine) a new file skips every inode
freed in the last ~30 s (`recently_deleted`, a linear scan per file), so a build started right after a big
delete is slower for a reason that has nothing to do with the tool; without the wait the first contender
after a cleanup would pay for it (ours did: MkDocs cleans the previous site inside the timed build).

usage: scripts/bench_site.py [--sizes 150 300 600] [--work /tmp/cohort-bench] [--skip-peers] [--settle 35]
Results: WORK/results-N/*.json (bench_table.py format) and a table with the ratios on stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
BENCH = SHARED / "bench"
BIN = Path(sys.executable).parent
# seconds after a delete before a timed run: ext4's recently-deleted window (vm.dirty_expire_centisecs
# 3000 = 30 s, plus 5 s when the inode table block is still dirty)
SETTLE_S = 35.0


def fresh_start(*paths: Path, settle: float = SETTLE_S, deleted: bool = False) -> None:
    """Delete `paths` (earlier outputs); if anything was deleted (or `deleted`: something else was, just
    before), wait `settle` seconds (see the module docstring)."""
    removed = deleted
    for path in paths:
        if path.exists():
            shutil.rmtree(path, ignore_errors=True)
            removed = True
    if removed and settle > 0:
        print(f"  (deleted earlier outputs; waiting {settle:g} s before timing)", file=sys.stderr, flush=True)
        time.sleep(settle)


def warm_corpus(corpus: Path) -> None:
    """Read every file of the corpus's repositories, so that a timed run finds them in the page cache.

    This machine pages out what was not touched for about a minute (DAMON `pageout`), so a corpus idle since
    its last use would be read from disk again by whichever contender clones first (2.7 GB at 600 groups, in
    our cold build's time); a real git server would serve it from memory. Every contender that clones gets
    the corpus warm, right before its timer starts.
    """
    for path in (corpus / "repos").rglob("*"):
        if path.is_file():
            with path.open("rb") as fh:
                while fh.read(1 << 20):
                    pass


def run(cmd: list[str], *, check: bool = True, **kw) -> subprocess.CompletedProcess:
    print("+", " ".join(str(c) for c in cmd), file=sys.stderr, flush=True)
    return subprocess.run(cmd, check=check, **kw)


def make_corpus(work: Path, groups: int) -> Path:
    cohorts = max(1, groups // 150)
    out = work / f"corpus-{groups}"
    if not (out / "rosters").is_dir():
        run(
            [
                sys.executable,
                str(BENCH / "make_scale_corpus.py"),
                str(out),
                "--groups-per-cohort",
                str(groups // cohorts),
                "--cohorts",
                str(cohorts),
                "--force",
            ]
        )
    return out


def corpus_env(corpus: Path, cache: Path) -> dict[str, str]:
    rosters = ":".join(str(p) for p in sorted((corpus / "rosters").glob("*.csv")))
    return {
        **os.environ,
        "NO_MKDOCS_2_WARNING": "1",
        "GIT_CONFIG_COUNT": "1",
        "GIT_CONFIG_KEY_0": f"url.file://{corpus}/repos/github.com/.insteadOf",
        "GIT_CONFIG_VALUE_0": "https://github.com/",
        "COHORT_ROSTERS": rosters,
        "COHORT_CACHE": str(cache),
    }


def peer_measure(raw: Path, log: Path, cwd: Path | None = None) -> list[str]:
    """The command line of ../shared/bench/peer_measure.py, to which the measured command is appended:
    its measurements go to `raw` (JSON), the command's output to `log`."""
    where = ["--cwd", str(cwd)] if cwd is not None else []
    return [
        sys.executable,
        str(BENCH / "peer_measure.py"),
        "--json",
        str(raw),
        "--log",
        str(log),
        *where,
        "--",
    ]


def measure(name: str, out: Path, cmd: list[str], env: dict[str, str], cwd: Path, **extra) -> dict:
    """Run cmd under peer_measure.py; write a bench_table.py-style JSON; return it."""
    out.mkdir(parents=True, exist_ok=True)
    os.sync()  # the previous run's files are written out before this one is timed
    raw, log = out / f"{name}.measure", out / f"{name}.log"
    subprocess.run([*peer_measure(raw, log, cwd), *cmd], env=env, check=False)
    m = json.loads(raw.read_text())
    site = extra.pop("site", None)
    result = {
        "tool": name,
        "corpus": extra.pop("corpus", ""),
        "repos": extra.pop("repos", 0),
        "exit_code": m["exit_code"],
        "wall_seconds": m["wall_seconds"],
        "peak_rss_mb": m.get("peak_rss_mb"),
        "peak_tree_rss_mb": m.get("peak_tree_rss_mb"),
        "peak_tree_pss_mb": m.get("peak_tree_pss_mb"),
        **extra,
    }
    if site and Path(site).is_dir():
        result["site_bytes"] = dir_bytes(Path(site))
        result["pages"] = sum(1 for _ in Path(site).rglob("*.html"))
    text = log.read_text(errors="replace")
    built = re.findall(r"Documentation built in ([\d.]+) seconds", text)
    if built:
        result["mkdocs_build_seconds"] = float(built[-1])
    (out / f"{name}.json").write_text(json.dumps(result, indent=1))
    if m["exit_code"] != 0:
        print(text[-3000:], file=sys.stderr)
    return result


def dir_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


DUMP = r"""
import re, sys
from pathlib import Path
from mkdocs.config import load_config
from mkdocs.structure.files import Files
out = Path(sys.argv[1])
cfg = load_config(config_file=sys.argv[2])
plugin = cfg.plugins["cohort-archive"]
cfg.plugins.on_startup(command="build", dirty=False)
cfg = cfg.plugins.on_config(cfg)
files = cfg.plugins.on_files(Files([]), config=cfg)
answers = {g.snapshot.key: g.report for g in plugin.archive.groups() if g.report}
def inline(m):
    report = answers.get(m.group(2))
    if report is None:
        return ""
    if m.group(1) == "freeform":
        return report.free_form_markdown or ""
    a = report.answer(int(m.group(3)))
    return a.markdown if a else ""
pat = re.compile(r"<!--ca-(answer|freeform):([^:>]+?)(?::(\d+))?-->")
n = 0
for f in files:
    if f.src_uri.endswith(".md") and f.generated_by:
        target = out / f.src_uri
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(pat.sub(inline, f.content_string).replace("@@ROOT@@", ""), encoding="utf-8")
        n += 1
print(n, "pages")
"""


def plain_build(
    work: Path, corpus: Path, cache: Path, results: Path, groups: int, settle: float = SETTLE_S
) -> dict:
    """Plain MkDocs + Material (default full nav, no plugins) on the archive's own Markdown."""
    plain = work / f"plain-{groups}"
    # `mkdocs serve` (the step before) deleted its temporary site when it stopped
    fresh_start(plain, settle=settle, deleted=True)
    (plain / "docs").mkdir(parents=True)
    env = corpus_env(corpus, cache)
    env["COHORT_OFFLINE"] = "1"
    run([sys.executable, "-c", DUMP, str(plain / "docs"), str(REPO / "mkdocs.yml")], env=env, cwd=REPO)
    shutil.copy(REPO / "docs" / "index.md", plain / "docs" / "index.md")
    (plain / "mkdocs.yml").write_text(
        "site_name: plain\ntheme: {name: material}\nplugins: []\n"
        "markdown_extensions: [admonition, attr_list, md_in_html, tables, toc]\n"
    )
    return measure(
        "plain-mkdocs-material",
        results,
        [str(BIN / "mkdocs"), "build", "-q"],
        env,
        plain,
        corpus=str(corpus),
        repos=groups,
        site=plain / "site",
    )


def serve_rebuild(work: Path, corpus: Path, cache: Path, groups: int) -> float | None:
    """Seconds `mkdocs serve` takes to rebuild after a docs/ edit (from its own log)."""
    proj = work / f"serve-{groups}"
    shutil.rmtree(proj, ignore_errors=True)
    shutil.copytree(REPO / "docs", proj / "docs")
    cfg = (
        (REPO / "mkdocs.yml")
        .read_text()
        .replace("templates_dir: reports/templates", f"templates_dir: {REPO / 'reports' / 'templates'}")
    )
    (proj / "mkdocs.yml").write_text(cfg)
    env = corpus_env(corpus, cache)
    log = (proj / "serve.log").open("w")
    proc = subprocess.Popen(
        # not --no-livereload: that also stops mkdocs serve from watching files and rebuilding
        [str(BIN / "mkdocs"), "serve", "--dev-addr", f"127.0.0.1:{free_port()}"],
        cwd=proj,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:

        def builds() -> list[float]:
            return [
                float(x)
                for x in re.findall(
                    r"Documentation built in ([\d.]+) seconds",
                    (proj / "serve.log").read_text(errors="replace"),
                )
            ]

        deadline = time.monotonic() + 900
        while not builds() and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.5)
        time.sleep(2)
        page = proj / "docs" / "about.md"
        page.write_text(page.read_text() + "\n\nEdited for the benchmark.\n")
        while len(builds()) < 2 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.2)
        found = builds()
        return found[1] if len(found) > 1 else None
    finally:
        # SIGINT, as Ctrl-C does: mkdocs serve then deletes its temporary site (on SIGTERM it dies without
        # doing so, and every run left a copy of the whole site in /tmp)
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=120)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_size(work: Path, groups: int, skip_peers: bool, settle: float = SETTLE_S) -> dict:
    corpus = make_corpus(work, groups)
    results = work / f"results-{groups}"
    cache = work / f"cache-{groups}"
    site = work / f"site-{groups}"
    # cold means no cache and no earlier site (the peers start without theirs as well)
    fresh_start(results, cache, site, settle=settle)
    warm_corpus(corpus)
    env = corpus_env(corpus, cache)
    cmd = [str(BIN / "mkdocs"), "build", "-f", str(REPO / "mkdocs.yml"), "-d", str(site)]
    row: dict = {"groups": groups}
    row["cold"] = measure(
        "cohort-archive-cold",
        results,
        cmd,
        env,
        REPO,
        corpus=str(corpus),
        repos=groups,
        site=site,
        bytes_on_disk=None,
    )
    row["cache_bytes"] = dir_bytes(cache)
    row["warm"] = measure(
        "cohort-archive-warm", results, cmd, env, REPO, corpus=str(corpus), repos=groups, site=site
    )
    row["serve_rebuild_s"] = serve_rebuild(work, corpus, cache, groups)
    row["plain"] = plain_build(work, corpus, cache, results, groups, settle)
    if not skip_peers:
        fresh_start(results / "multirepo", settle=settle)
        os.sync()
        warm_corpus(corpus)
        run(["bash", str(BENCH / "peer_multirepo.sh"), str(corpus), str(results)], check=False)
        peer = results / "peer.json"
        row["multirepo"] = json.loads(peer.read_text()) if peer.exists() else None
    return row


def num(v: float | None, nd: int = 1) -> str:
    """A table cell: the number with `nd` decimals, or a dash."""
    return "–" if v is None else f"{v:.{nd}f}"


def table(rows: list[dict]) -> str:
    s = num
    lines = [
        "| groups | ours cold s | ours warm s | serve rebuild s | plain MkDocs s | multirepo s | cold × multirepo "
        "| warm × multirepo | serve / plain | peak MB (cold): tree RSS / PSS, MkDocs process | site MB | cache MB |",
        "|" + "---|" * 12,
    ]
    for r in rows:
        cold, warm, plain, peer = r["cold"], r["warm"], r["plain"], r.get("multirepo") or {}
        pw = peer.get("wall_seconds")
        plain_s = plain.get("mkdocs_build_seconds") or plain["wall_seconds"]
        lines.append(
            f"| {r['groups']} | {s(cold['wall_seconds'])} | {s(warm['wall_seconds'])} | {s(r['serve_rebuild_s'])} "
            f"| {s(plain_s)} | {s(pw)} | {s(pw / cold['wall_seconds'] if pw else None)} "
            f"| {s(pw / warm['wall_seconds'] if pw else None)} "
            f"| {s(r['serve_rebuild_s'] / plain_s if r['serve_rebuild_s'] else None, 2)} "
            f"| {s(cold.get('peak_tree_rss_mb'), 0)} / {s(cold.get('peak_tree_pss_mb'), 0)}, "
            f"{s(cold.get('peak_rss_mb'), 0)} | {s(cold.get('site_bytes', 0) / 1e6)} | {s(r['cache_bytes'] / 1e6)} |"
        )
    if len(rows) > 1:
        a, b = rows[0], rows[-1]
        k = b["groups"] / a["groups"]
        growth = b["cold"]["wall_seconds"] / a["cold"]["wall_seconds"]
        lines.append(
            f"\ncold time {a['groups']} -> {b['groups']} groups: ×{growth:.2f} for ×{k:g} groups "
            f"({'linear or better' if growth <= k * 1.05 else 'super-linear'})"
        )
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[150, 300, 600])
    ap.add_argument("--work", type=Path, default=Path("/tmp/cohort-bench"))
    ap.add_argument("--skip-peers", action="store_true")
    ap.add_argument(
        "--settle", type=float, default=SETTLE_S, help="seconds to wait after deleting earlier outputs"
    )
    args = ap.parse_args()
    if not (BENCH / "make_scale_corpus.py").exists():
        print(f"needs the benchmark kit at {BENCH}", file=sys.stderr)
        return 2
    args.work.mkdir(parents=True, exist_ok=True)
    rows = []
    for n in args.sizes:
        rows.append(bench_size(args.work, n, args.skip_peers, args.settle))
        (args.work / "bench_site.json").write_text(json.dumps(rows, indent=1, default=str))
        print(table(rows), flush=True)
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
