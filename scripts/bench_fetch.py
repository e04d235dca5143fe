#!/usr/bin/env python3
"""Benchmark the fetch layer against plain `git clone`, side by side in one run.

    python scripts/bench_fetch.py [--groups 150] [--work /tmp/cohort-bench-fetch] [--workers 8]

Makes (or reuses) a synthetic cohort of N group repositories with `../shared/bench/make_scale_corpus.py`
under the work folder, then measures, offline through git URL rewriting:

1. serial full clones: `git clone` of every repository, one after the other (what courses do today);
2. cold fetch: `fetch_all` with an empty cache;
3. reading every file under reports/ from the snapshots' trees (what the site build does next);
4. warm refetch: `fetch_all` again, nothing changed; 5. offline: from the cache only.
Steps 2-5 run once per `FetchOptions.prefetch` scope (`folder`, `report`).

Prints wall seconds, bytes on disk and the ratios against the targets (cold >= 10x faster than the full
clones, warm <= 10% of cold, cache <= 1/5 of the clones' size). Generated data stays in the work folder.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "plugins"))

from cohort_archive.fetch import FetchOptions, close_readers, fetch_all  # noqa: E402
from cohort_archive.roster import load_rosters  # noqa: E402


def disk_bytes(path: Path) -> int:
    """Bytes allocated on disk under `path` (like `du`)."""
    total = 0
    for root, dirs, files in os.walk(path):
        for name in dirs + files:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(root, name)).st_blocks * 512
    return total


def make_corpus(work: Path, groups: int, script: Path) -> Path:
    corpus = work / f"scale-{groups}"
    if (corpus / "rosters").is_dir() and any((corpus / "rosters").glob("*.csv")):
        print(f"reusing {corpus}")
        return corpus
    print(f"making {groups} synthetic repos in {corpus} (about 35 s for 150) ...", flush=True)
    subprocess.run(
        [
            sys.executable,
            str(script),
            str(corpus),
            "--groups-per-cohort",
            str(groups),
            "--cohorts",
            "1",
            "--force",
        ],
        check=True,
    )
    return corpus


def rewrite_env(corpus: Path) -> None:
    """Point https://github.com/ at the corpus for this process and every git it starts."""
    n = int(os.environ.get("GIT_CONFIG_COUNT", "0") or 0)
    os.environ[f"GIT_CONFIG_KEY_{n}"] = f"url.file://{corpus}/repos/github.com/.insteadOf"
    os.environ[f"GIT_CONFIG_VALUE_{n}"] = "https://github.com/"
    os.environ["GIT_CONFIG_COUNT"] = str(n + 1)


def serial_clones(urls: list[str], dest: Path) -> float:
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    start = time.perf_counter()
    for i, url in enumerate(urls):
        subprocess.run(["git", "clone", "--quiet", url, str(dest / f"r{i:04d}")], check=True)
    return time.perf_counter() - start


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--groups", type=int, default=150)
    ap.add_argument("--work", type=Path, default=Path("/tmp/cohort-bench-fetch"))
    ap.add_argument("--workers", type=int, default=8)
    ap.add_argument(
        "--make-script", type=Path, default=REPO.parent / "shared" / "bench" / "make_scale_corpus.py"
    )
    ap.add_argument("--skip-clones", action="store_true", help="skip the (slow) serial full clones")
    ap.add_argument(
        "--prefetch",
        nargs="+",
        default=["folder", "report"],
        choices=["folder", "report"],
        help="FetchOptions.prefetch values to measure (default: both)",
    )
    a = ap.parse_args()

    work = a.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    corpus = make_corpus(work, a.groups, a.make_script)
    rewrite_env(corpus)
    rosters, problems = load_rosters(sorted((corpus / "rosters").glob("*.csv")))
    if problems:
        print("roster problems:", *problems, sep="\n  ")
    urls = [e.repo_url for r in rosters for e in r.entries]
    print(
        f"{len(urls)} groups, {os.cpu_count()} CPUs, git {subprocess.check_output(['git', '--version']).decode().split()[-1]}"
    )

    rows: list[tuple[str, float, int | None]] = []
    full_s = full_b = None
    if not a.skip_clones:
        print("serial full clones ...", flush=True)
        full_s = serial_clones(urls, work / "full-clones")
        full_b = disk_bytes(work / "full-clones")
        rows.append(("serial git clone (full)", full_s, full_b))
        shutil.rmtree(work / "full-clones", ignore_errors=True)

    results: dict[str, dict[str, float]] = {}
    ok = True
    for scope in a.prefetch:
        cache = work / f"cache-{scope}"
        shutil.rmtree(cache, ignore_errors=True)
        options = FetchOptions(cache_dir=cache, workers=a.workers, prefetch=scope)
        print(f"cold fetch, prefetch={scope} ...", flush=True)
        start = time.perf_counter()
        snaps = fetch_all(rosters, options)
        cold_s = time.perf_counter() - start
        cold_b = disk_bytes(cache)
        bad = [s for s in snaps if s.status != "ok"]

        # what the site build reads next: the report and every other file under reports/
        start = time.perf_counter()
        total = 0
        for snap in snaps:
            if snap.tree is not None:
                for path in snap.tree.files():
                    if path.startswith("reports/"):
                        total += len(snap.tree.read(path) or b"")
        read_s = time.perf_counter() - start
        close_readers()

        print("warm refetch ...", flush=True)
        start = time.perf_counter()
        warm = fetch_all(rosters, options)
        warm_s = time.perf_counter() - start
        same = all(x.commit == y.commit for x, y in zip(snaps, warm, strict=True))

        start = time.perf_counter()
        offline = fetch_all(
            rosters, FetchOptions(cache_dir=cache, workers=a.workers, mode="offline", prefetch=scope)
        )
        off_s = time.perf_counter() - start
        close_readers()
        same = same and all(x.commit == y.commit for x, y in zip(snaps, offline, strict=True))
        ok = ok and not bad and same
        rows.append((f"fetch_all cold, prefetch={scope}", cold_s, cold_b))
        rows.append((f"  then read all of reports/ ({total / 1e6:.0f} MB)", read_s, disk_bytes(cache)))
        rows.append(("  fetch_all warm (nothing changed)", warm_s, None))
        rows.append(("  fetch_all offline", off_s, None))
        results[scope] = {"cold": cold_s, "read": read_s, "warm": warm_s, "bytes": cold_b, "bad": len(bad)}
        print(f"  {len(snaps) - len(bad)} ok, {len(bad)} not ok; warm/offline commits same as cold: {same}")

    print()
    print(f"{'':44} {'seconds':>9} {'MB on disk':>11}")
    for name, secs, size in rows:
        mb = f"{size / 1e6:11.1f}" if size is not None else f"{'':11}"
        print(f"{name:44} {secs:9.2f} {mb}")
    print()
    for scope, r in results.items():
        print(f"prefetch={scope}:")
        if full_s is not None and full_b is not None:
            print(f"  cold speed-up vs serial full clones:     {full_s / r['cold']:5.1f}x  (target >= 10x)")
            both = r["cold"] + r["read"]
            print(f"  same, cold fetch + reading reports/:     {full_s / both:5.1f}x")
            print(f"  cache size / full clones' size (cold):   {r['bytes'] / full_b:5.3f}  (target <= 0.2)")
        print(f"  warm / cold time:                        {r['warm'] / r['cold']:5.3f}  (target <= 0.10)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
