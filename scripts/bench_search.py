#!/usr/bin/env python3
"""Benchmark the archive's search (Pagefind, per-answer records) beside Material's built-in search.

For each size (default 150 and 600 groups: 1 and 4 cohorts of 150 from ../shared/bench/make_scale_corpus.py)
it builds the same site three times from the same warm clone cache, under ../shared/bench/peer_measure.py:

- ours:      mkdocs.yml as it is (cohort-archive with `search: true`: Pagefind indexes while MkDocs renders);
- material:  the same with `search: false` and Material's `search` plugin instead (lunr, one JSON index);
- none:      neither; the difference to it is what each search adds to the build.

(plus, first, cold builds that fetch every repository, with search and without it (the default
configuration, and `off`: the same with `search: false`, from a clone cache of its own), `--cold-repeat` of each (default 2),
alternating: the whole pipeline with and without the index side by side; their peak RSS is reported too, and
the CPU seconds of the whole process tree where a cgroup can count them (Linux, as root): on a machine whose
wall times drift between runs, a steadier measure of what indexing adds.) Then, in Debian's
Chromium through Playwright, from a group page of each site served on 127.0.0.1 under /archive/ by a server that
gzips text like GitHub Pages does, it types a query into the header box and records every request made for
search from the page load until the first results are shown: bytes transferred (as served, and the raw bodies),
requests, and the time from the first key to the first result. For ours also the search page deep link
(`search/?q=...`, facets with counts included).

usage: scripts/bench_search.py [--sizes 150 600] [--work /tmp/search-bench] [--query "docker compose"]
                              [--repeat 2] [--cold-repeat 2]
Results: WORK/bench_search.json and a Markdown table on stdout.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gzip
import http.server
import io
import json
import os
import random
import re
import shutil
import statistics
import sys
import threading
import time
from pathlib import Path

from bench_site import (  # same folder: scripts/ is on sys.path
    corpus_env,
    fresh_start,
    make_corpus,
    num,
    peer_measure,
    run,
    warm_corpus,
)

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO.parent / "shared" / "bench"
BIN = Path(sys.executable).parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
PREFIX = "/archive/"
GZIP_TYPES = (".html", ".js", ".css", ".json", ".svg", ".xml", ".txt")


# --- corpora and builds: shared with bench_site.py (run, make_corpus, corpus_env) ----------------------


def variant_config(work: Path, variant: str) -> Path:
    """mkdocs.yml with absolute paths; `material` swaps our search for Material's, `none` drops both.

    Every variant but `reused` and `off` (cold builds without search) turns the plugin's page cache off: reused pages are not rendered, so
    Material's search plugin would not see them (and the plugin would also reuse its search bundle).
    """
    text = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    text = re.sub(r"^docs_dir: .*$", f"docs_dir: {REPO / 'docs'}", text, flags=re.M)
    text = text.replace(
        "templates_dir: reports/templates", f"templates_dir: {REPO / 'reports' / 'templates'}"
    )
    assert "  - cohort-archive:\n" in text, "mkdocs.yml changed: update bench_search.py"
    options = "" if variant in ("reused", "off") else "      page_cache: false\n"
    if variant in ("material", "none", "off"):
        options += "      search: false\n"
    first = "  - search\n" if variant == "material" else ""
    text = text.replace("  - cohort-archive:\n", f"{first}  - cohort-archive:\n{options}", 1)
    path = work / f"mkdocs-{variant}.yml"
    path.write_text(text, encoding="utf-8")
    return path


CGROUP_V1 = Path("/sys/fs/cgroup/cpuacct")
CGROUP_V2 = Path("/sys/fs/cgroup")


@contextlib.contextmanager
def cpu_group(name: str):
    """A fresh cgroup that counts the CPU time of every process put in it: (the file a process writes its
    pid to, a function giving the CPU seconds so far); (None, None) where cgroups cannot be made (not root,
    not Linux). Unlike rusage it counts processes nobody waits for (the forkserver's workers)."""
    for base, procs, usage in (
        (CGROUP_V1, "tasks", lambda d: int((d / "cpuacct.usage").read_text()) / 1e9),
        (CGROUP_V2, "cgroup.procs", lambda d: _usec(d / "cpu.stat") / 1e6),
    ):
        if not (base / procs).exists() or (base is CGROUP_V2 and CGROUP_V1.exists()):
            continue
        group = base / f"bench-search-{name}-{os.getpid()}"
        try:
            group.mkdir()
        except OSError:
            continue
        try:
            yield group / procs, functools.partial(usage, group)
        finally:
            with contextlib.suppress(OSError):
                group.rmdir()
        return
    yield None, None


def _usec(stat: Path) -> int:
    return next(
        int(line.split()[1]) for line in stat.read_text().splitlines() if line.startswith("usage_usec")
    )


def measure(name: str, out: Path, config: Path, site: Path, env: dict[str, str]) -> dict:
    """One `mkdocs build` under peer_measure.py (wall time, peak RSS of the process tree), and the CPU
    seconds of the build's whole process tree when a cgroup can count them (`cpu_s`, else None)."""
    out.mkdir(parents=True, exist_ok=True)
    raw, log = out / f"{name}.measure", out / f"{name}.log"
    shutil.rmtree(site, ignore_errors=True)
    cmd = [str(BIN / "mkdocs"), "build", "-f", str(config), "-d", str(site)]
    with cpu_group(name) as (procs, cpu):
        if procs is not None:  # the build joins the group before it starts; peer_measure's sampler does not
            cmd = ["sh", "-c", 'echo $$ > "$0" && exec "$@"', str(procs), *cmd]
        run([*peer_measure(raw, log), *cmd], env=env, cwd=REPO, check=False)
        cpu_s = cpu() if cpu is not None else None
    m = json.loads(raw.read_text())
    text = log.read_text(errors="replace")
    if m["exit_code"] != 0:
        print(text[-3000:], file=sys.stderr)
        raise SystemExit(f"{name}: mkdocs build failed")
    built = re.findall(r"Documentation built in ([\d.]+) seconds", text)
    index = re.findall(r"Search index: (.*) in ([\d.]+) s$", text, flags=re.M)
    return {
        "wall_s": m["wall_seconds"],
        "mkdocs_s": float(built[-1]) if built else None,
        "peak_rss_mb": m.get("peak_rss_mb"),
        "peak_tree_pss_mb": m.get("peak_tree_pss_mb"),
        "peak_tree_rss_mb": m.get("peak_tree_rss_mb"),
        "index_s": float(index[-1][1]) if index else None,
        "index_stats": index[-1][0] if index else None,
        "index_cpu_s": index_cpu(index[-1][0]) if index else None,
        "cpu_s": cpu_s,
    }


def index_cpu(stats: str) -> float | None:
    """The CPU seconds the indexer says its indexing used ("..., 13.9 CPU-s)"), if it says."""
    found = re.search(r"([\d.]+) CPU-s\)", stats)
    return float(found[1]) if found else None


def dir_stats(path: Path) -> tuple[int, int]:
    files = [p for p in path.rglob("*") if p.is_file()] if path.exists() else []
    return sum(p.stat().st_size for p in files), len(files)


# --- serving and the browser ---------------------------------------------------------------------------


@contextlib.contextmanager
def serve(site: Path):
    """Serve `site` under /archive/ on 127.0.0.1, gzipping text responses as GitHub Pages does."""

    class Handler(http.server.SimpleHTTPRequestHandler):
        def translate_path(self, path: str) -> str:
            path = "/" + path[len(PREFIX) :] if path.startswith(PREFIX) else "/__outside__"
            return super().translate_path(path)

        def send_head(self):
            path = Path(self.translate_path(self.path.split("?", 1)[0]))
            if path.is_dir():
                path = path / "index.html"
            gz = "gzip" in self.headers.get("Accept-Encoding", "") and path.suffix in GZIP_TYPES
            if not gz or not path.is_file():
                return super().send_head()
            body = gzip.compress(path.read_bytes(), 6)
            self.send_response(200)
            self.send_header("Content-Type", self.guess_type(str(path)))
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            return io.BytesIO(body)

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Handler, directory=str(site))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{PREFIX}"
    finally:
        server.shutdown()
        server.server_close()


def is_search_request(url: str) -> bool:
    path = url.split("?", 1)[0]
    return "/pagefind/" in path or "search" in path.rsplit("/", 1)[-1] or "/workers/search" in path


def first_query(browser, url: str, query: str, input_selector: str, result_selector: str) -> dict:
    """Open `url`, focus the header box, type `query`; what search fetched until the first result showed."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    responses = []
    page.on("requestfinished", lambda r: responses.append(r))
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    t0 = time.monotonic()
    page.click(input_selector)
    page.keyboard.type(query, delay=20)
    page.wait_for_selector(result_selector, timeout=120_000)
    elapsed = time.monotonic() - t0
    typing = 0.02 * len(query)
    page.wait_for_timeout(300)  # let the hits' own fetches finish before counting
    out = transfer([r for r in responses if is_search_request(r.url)])
    out["to_first_results_s"] = round(elapsed - typing, 3)
    out["results_shown"] = page.locator(result_selector).count()
    context.close()
    return out


def deep_link(browser, url: str) -> dict:
    """Open the search page with ?q=: hits and facet counts; what search fetched for it."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    responses = []
    page.on("requestfinished", lambda r: responses.append(r))
    t0 = time.monotonic()
    page.goto(url)
    page.wait_for_selector(".ca-hit", timeout=120_000)
    hits = time.monotonic() - t0
    page.wait_for_selector(".ca-facet", timeout=120_000)
    facets = time.monotonic() - t0
    page.wait_for_timeout(300)
    out = transfer([r for r in responses if is_search_request(r.url)])
    out["to_first_results_s"] = round(hits, 3)
    out["to_facets_s"] = round(facets, 3)
    context.close()
    return out


def transfer(requests) -> dict:
    sent = raw = 0
    urls = []
    for r in requests:
        sizes = r.sizes()
        sent += sizes["responseBodySize"] + sizes["responseHeadersSize"]
        response = r.response()
        raw += len(response.body()) if response else 0
        urls.append(r.url.split(PREFIX, 1)[-1])
    return {
        "requests": len(requests),
        "transferred_kb": round(sent / 1024, 1),
        "raw_kb": round(raw / 1024, 1),
        "urls": urls,
    }


def sample_phrase(site: Path, seed: int = 2476) -> str:
    """A 3-word phrase from a random answer of the built site (chosen at run time, never stored)."""
    sys.path.insert(0, str(REPO / "plugins"))
    from cohort_archive.search import html_to_text

    pages = sorted(site.glob("*/groups/*/index.html"))
    rng = random.Random(seed)
    for page in rng.sample(pages, min(len(pages), 50)):
        html = page.read_text(encoding="utf-8")
        blocks = re.findall(r'<div class="ca-answer">(.*?)</div>', html, flags=re.S)
        words = [w for w in html_to_text(" ".join(blocks)).split() if re.fullmatch(r"[a-z]{5,}", w)]
        if len(words) > 10:
            i = rng.randrange(len(words) - 3)
            return " ".join(words[i : i + 3])
    return "docker image"


def browser_numbers(sites: dict[str, Path], query: str, phrase: str) -> dict:
    from playwright.sync_api import sync_playwright

    out: dict = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for variant, site in sites.items():
                group_page = sorted(site.glob("*/groups/*/index.html"))[0].parent.relative_to(site).as_posix()
                with serve(site) as base:
                    start = f"{base}{group_page}/"
                    if variant == "ours":
                        box, hit = "[data-ca-header-search] input[name=q]", ".md-search-result__item"
                    else:
                        box, hit = "input[data-md-component=search-query]", ".md-search-result__item"
                    out[variant] = {}
                    jobs = [
                        ("query", first_query, (browser, start, query, box, hit)),
                        ("phrase", first_query, (browser, start, phrase, box, hit)),
                    ]
                    if variant == "ours":
                        jobs.append(("deep_link", deep_link, (browser, f"{base}search/?q={query}")))
                    for name, job, args in jobs:
                        try:
                            out[variant][name] = job(*args)
                        except Exception as exc:  # one failed measurement must not lose the others
                            print(f"{variant} {name}: {exc}", file=sys.stderr)
                            out[variant][name] = {"error": str(exc).splitlines()[0]}
        finally:
            browser.close()
    return out


# --- one size, the table -------------------------------------------------------------------------------


def best_of(repeat: int, name: str, results: Path, config: Path, site: Path, env: dict) -> dict:
    """The fastest of `repeat` builds (the machine is shared; the minimum is the least disturbed)."""
    runs = []
    for i in range(repeat):
        runs.append(measure(f"{name}-{i + 1}", results, config, site, env))
    best = min(runs, key=lambda r: r["wall_s"])
    best["all_wall_s"] = [r["wall_s"] for r in runs]
    return best


def bench_size(work: Path, groups: int, query: str, repeat: int, cold_repeat: int = 2) -> dict:
    corpus = make_corpus(work, groups)
    cache = work / f"cache-{groups}"
    shutil.rmtree(cache, ignore_errors=True)
    env = corpus_env(corpus, cache)
    results = work / f"results-{groups}"
    shutil.rmtree(results, ignore_errors=True)
    configs = {v: variant_config(work, v) for v in ("ours", "material", "none", "reused", "off")}
    sites = {v: work / f"site-{v}-{groups}" for v in configs}
    row: dict = {"groups": groups, "repeat": repeat}
    # cold with and without search, alternating, each from no clone cache and no site, on a settled disk
    # with the corpus in memory (see bench_site.py: fresh_start, warm_corpus): fastest counts
    off_cache = work / f"cache-off-{groups}"
    colds, offs = [], []
    for i in range(cold_repeat):
        fresh_start(cache, sites["ours"], deleted=True)
        warm_corpus(corpus)
        # the default configuration, as `off` is but for `search: false` (the `ours` variant turns the page
        # cache off, which a cold build would otherwise fill: the two would differ by more than the search)
        colds.append(measure(f"ours-cold-{i + 1}", results, configs["reused"], sites["ours"], env))
        fresh_start(off_cache, sites["off"], deleted=True)
        warm_corpus(corpus)
        off_env = corpus_env(corpus, off_cache)
        offs.append(measure(f"off-cold-{i + 1}", results, configs["off"], sites["off"], off_env))
    shutil.rmtree(off_cache, ignore_errors=True)
    row["cold"] = min(colds, key=lambda r: r["wall_s"])
    row["cold"]["all_wall_s"] = [r["wall_s"] for r in colds]
    row["cold_off"] = min(offs, key=lambda r: r["wall_s"])
    row["cold_off"]["all_wall_s"] = [r["wall_s"] for r in offs]
    row["cold"]["all_cpu_s"] = [r["cpu_s"] for r in colds]
    row["cold"]["all_index_cpu_s"] = [r["index_cpu_s"] for r in colds]
    row["cold_off"]["all_cpu_s"] = [r["cpu_s"] for r in offs]
    for variant in ("none", "material", "ours"):
        row[variant] = best_of(repeat, variant, results, configs[variant], sites[variant], env)
    # the default configuration, nothing changed since the last build: pages and search bundle reused
    measure("reused-0", results, configs["reused"], sites["reused"], env)
    row["reused"] = best_of(repeat, "reused", results, configs["reused"], sites["reused"], env)
    row["ours"]["index_bytes"], row["ours"]["index_files"] = dir_stats(sites["ours"] / "pagefind")
    index = sites["material"] / "search" / "search_index.json"
    row["material"]["index_bytes"] = index.stat().st_size if index.exists() else None
    row["material"]["index_files"] = 1
    row["material"]["index_gzip_bytes"] = (
        len(gzip.compress(index.read_bytes(), 6)) if index.exists() else None
    )
    row["phrase"] = sample_phrase(sites["ours"])
    if CHROMIUM.exists():
        row["browser"] = browser_numbers(
            {"ours": sites["ours"], "material": sites["material"]}, query, row["phrase"]
        )
    return row


def cpu_added(with_search: list, without: list) -> str:
    """What indexing adds to the cold build's CPU seconds (whole process tree), medians of the runs."""
    if not with_search or None in with_search or None in without:
        return ""
    a, b = statistics.median(with_search), statistics.median(without)
    return (
        f"CPU of the whole process tree: {num(a)} s {[round(x, 1) for x in with_search]} with search, "
        f"{num(b)} s {[round(x, 1) for x in without]} without (medians; search adds {num((a - b) / b * 100)} %); "
    )


def cores_busy(cpu: list, wall: list) -> str:
    """How many of the machine's cores the cold build without search kept busy (median CPU-s / median wall):
    where that is all of them, every CPU second indexing adds shows in the wall time."""
    if not cpu or None in cpu or not wall:
        return ""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    busy = statistics.median(cpu) / statistics.median(wall)
    return f"without search the cold build kept {num(busy, 2)} of {cores} cores busy (CPU-s / wall); "


def cpu_own(index_cpu: list, tree_cpu: list) -> str:
    """What indexing's own processes (the records made in the build process, the worker, Pagefind) used of
    each cold build's CPU seconds: measured within one build, so not moved by the machine's drift."""
    pairs = [(i, t) for i, t in zip(index_cpu, tree_cpu, strict=False) if i is not None and t]
    if not pairs:
        return ""
    shares = [i / (t - i) * 100 for i, t in pairs]
    runs = ", ".join(f"{num(i)} of {num(t)}" for i, t in pairs)
    return (
        f"indexing's own CPU in the same builds: {runs} CPU-s, {num(statistics.median(shares))} % "
        f"(median; runs {[round(x, 1) for x in shares]}) on top of the rest of the build; "
    )


def table(rows: list[dict]) -> str:
    s = num
    lines = [
        "| groups | search | build s (warm) | adds to build | index MB | index files "
        "| 1st query KB sent | KB raw | requests | to results s | phrase: KB sent | to results s |",
        "|" + "---|" * 12,
    ]
    for r in rows:
        base = r["none"]["wall_s"]
        for variant in ("ours", "reused", "material"):
            b = r[variant]
            q = r.get("browser", {}).get("material" if variant == "material" else "ours", {})
            first, phrase = q.get("query", {}), q.get("phrase", {})
            added = (b["wall_s"] - base) / base * 100
            lines.append(
                f"| {r['groups']} | {variant} | {s(b['wall_s'])} | {added:+.0f} % "
                f"| {s((b.get('index_bytes') or r['ours']['index_bytes']) / 1e6, 2)} "
                f"| {b.get('index_files') or r['ours']['index_files']} "
                f"| {s(first.get('transferred_kb'))} | {s(first.get('raw_kb'))} | {first.get('requests', '–')} "
                f"| {s(first.get('to_first_results_s'), 2)} | {s(phrase.get('transferred_kb'))} "
                f"| {s(phrase.get('to_first_results_s'), 2)} |"
            )
    lines.append("")
    for r in rows:
        ours, cold, reused = r["ours"], r["cold"], r["reused"]
        deep = r.get("browser", {}).get("ours", {}).get("deep_link", {})
        added = (ours["wall_s"] - r["none"]["wall_s"]) / r["none"]["wall_s"] * 100
        lines.append(
            f"{r['groups']} groups: search adds {s(added)} % to the warm build (indexed while MkDocs renders; "
            f"{s(ours['index_s'])} s in post_build: {ours['index_stats']}); "
            f"unchanged site: bundles reused, build {s(reused['wall_s'])} s ({reused['index_stats']}); "
            f"peak tree RSS warm {s(ours['peak_tree_rss_mb'], 0)} MB (PSS {s(ours['peak_tree_pss_mb'], 0)}), "
            f"cold {s(cold['peak_tree_rss_mb'], 0)} MB (PSS {s(cold['peak_tree_pss_mb'], 0)}), "
            f"largest process {s(cold['peak_rss_mb'], 0)} MB; "
            f"cold build {s(cold['wall_s'])} s {cold['all_wall_s']}, without search "
            f"{s(r['cold_off']['wall_s'])} s {r['cold_off']['all_wall_s']} "
            f"(search adds {s((cold['wall_s'] - r['cold_off']['wall_s']) / r['cold_off']['wall_s'] * 100)} %); "
            f"{cpu_added(cold['all_cpu_s'], r['cold_off']['all_cpu_s'])}"
            f"{cores_busy(r['cold_off']['all_cpu_s'], r['cold_off']['all_wall_s'])}"
            f"{cpu_own(cold.get('all_index_cpu_s', []), cold['all_cpu_s'])}"
            f"search page deep link with facets: "
            f"{s(deep.get('transferred_kb'))} KB in {deep.get('requests', '–')} requests, hits after "
            f"{s(deep.get('to_first_results_s'), 2)} s, facets after {s(deep.get('to_facets_s'), 2)} s; "
            f"Material index gzipped {s((r['material'].get('index_gzip_bytes') or 0) / 1024)} KB"
        )
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[150, 600])
    ap.add_argument("--work", type=Path, default=Path("/tmp/search-bench"))
    ap.add_argument("--query", default="docker compose")
    ap.add_argument("--repeat", type=int, default=2, help="warm builds per variant; the fastest counts")
    ap.add_argument(
        "--cold-repeat", type=int, default=2, help="cold builds with and without search, alternating"
    )
    args = ap.parse_args()
    if not (BENCH / "make_scale_corpus.py").exists():
        print(f"needs the benchmark kit at {BENCH}", file=sys.stderr)
        return 2
    args.work.mkdir(parents=True, exist_ok=True)
    rows = []
    for n in args.sizes:
        rows.append(bench_size(args.work, n, args.query, args.repeat, args.cold_repeat))
        (args.work / "bench_search.json").write_text(json.dumps(rows, indent=1, default=str))
        print(table(rows), flush=True)
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
