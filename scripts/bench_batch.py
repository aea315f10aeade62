"""Benchmark ``textcheck batch`` end to end, each figure printed as soon as it is known, with its target.

    python scripts/bench_batch.py                # N=2,000 (development; 5-12 min on this shared 2-core machine)
    python scripts/bench_batch.py --n 10000      # the target size of issue 19
    python scripts/bench_batch.py --n 10000 --stress   # whole sentences from a tiny pool: worst case for matching
    python scripts/bench_batch.py --n 2000 --prior 200 # plus 200 last-year reports: year pairs

Steps: generate N reports (tests/batch_gen.py); run ``textcheck batch IN -o OUT -q`` as a separate process
(time, throughput, the seconds of each stage, peak memory of the batch process and of the batch plus its
workers, sampled from /proc); run it again unchanged (the cached rerun); count the planted copies found
(from findings.jsonl); measure recall against exact all-pairs comparison on a sample; extrapolate to
50,000 and 150,000 reports.

Targets (issue 19, on 2 cores): 10,000 reports <= 3 min, cached rerun <= 10 s, this benchmark at 10,000
<= 6 min including recall, 50,000 reports peak memory <= 2 GB. Below 10,000 the time targets are scaled
linearly to N (the cached rerun's is not). The machine's load average is printed: on a shared machine the
times are upper bounds.

Recall: the sample is the members of some planted copy groups plus random reports (``--recall-sample``
reports in all); every pair of non-template paragraphs of different issuers in it is compared with the
matcher's own verifier (rapidfuzz ``fuzz.ratio`` >= threshold, ``process.cdist``); recall is the share of
those pairs that LSH banding + verification finds when matching the sample alone.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # batch_gen: the generator the tests use

TARGET_10K_S = 180.0  # batch of 10,000 reports on 2 cores
TARGET_RERUN_S = 10.0
TARGET_BENCH_10K_S = 360.0
TARGET_50K_PEAK_MB = 2048.0
NATIONAL = 150_000


def say(text: str) -> None:
    print(text, flush=True)


def verdict(value: float, target: float) -> str:
    return "达标 met" if value <= target else "未达标 NOT met"


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _tree(pid: int) -> list[int]:
    """``pid`` and all its descendants (from /proc)."""
    parent_of: dict[int, int] = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                stat = Path("/proc", d, "stat").read_text()
                parent_of[int(d)] = int(stat.rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    out, todo = [pid], [pid]
    while todo:
        p = todo.pop()
        kids = [c for c, pp in parent_of.items() if pp == p]
        out += kids
        todo += kids
    return out


def run_measured(cmd: list[str], env: dict[str, str]) -> dict[str, float]:
    """Run ``cmd``; wall time, peak RSS of the process and peak sum of RSS of it and its descendants
    (sampled every 0.25 s), the largest descendant's peak (getrusage)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = {"parent": 0, "tree": 0}
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            pids = _tree(proc.pid)
            sizes = [_rss_kb(p) for p in pids]
            if sizes:
                peak["parent"] = max(peak["parent"], sizes[0])
                peak["tree"] = max(peak["tree"], sum(sizes))
            stop.wait(0.25)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - t0
    stop.set()
    th.join()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"batch failed ({proc.returncode}):\n{err}")
    import resource

    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"wall": wall, "parent_mb": peak["parent"] / 1024, "tree_mb": peak["tree"] / 1024,
            "largest_child_mb": kids, "stderr": err}


def all_pairs_truth(records, opts, sample):
    """Exact: every pair of non-template paragraphs of different issuers with ratio >= threshold."""
    import numpy as np
    from rapidfuzz import fuzz, process

    from textcheck.batch.match import issuer_key

    ids, texts, iss = [], [], []
    for i in sample:
        for j, p in enumerate(records[i]["paragraphs"]):
            if p.get("template", 0) >= opts["template_share"]:
                continue
            ids.append((i, j))
            texts.append(p["text"])
            iss.append(issuer_key(records[i]))
    thr = float(opts["threshold"])
    # exact, but only where a match is possible: ratio >= thr needs the shorter text >= lim x the longer
    # (the bound match.py prunes with too), so each block of texts sorted by length is compared with the
    # window of lengths it can match
    lim = thr / (200.0 - thr)
    order = sorted(range(len(texts)), key=lambda k: len(texts[k]))
    lens = [len(texts[k]) for k in order]
    stexts = [texts[k] for k in order]
    truth = set()
    block = 1000
    import bisect

    for start in range(0, len(stexts), block):
        stop = min(len(stexts), start + block)
        hi = bisect.bisect_right(lens, lens[stop - 1] / lim)
        m = process.cdist(stexts[start:stop], stexts[start:hi], scorer=fuzz.ratio, score_cutoff=thr,
                          dtype=np.uint8, workers=-1)
        rows, cols = np.nonzero(m)
        for r, c in zip(rows.tolist(), cols.tolist()):
            a, b = order[start + r], order[start + c]
            if start + r < start + c and iss[a] != iss[b]:
                truth.add((ids[a], ids[b]) if ids[a] < ids[b] else (ids[b], ids[a]))
    return truth, len(texts)


def planted_found(out: Path, planted: list[list[str]]) -> tuple[int, int]:
    """Planted copy pairs (members of one group) linked by a cross-report-copy finding in findings.jsonl."""
    linked = set()
    with open(out / "findings.jsonl", encoding="utf-8") as fh:
        for line in fh:
            if '"cross-report-copy"' not in line:
                continue
            f = json.loads(line)
            for r in f.get("related") or []:
                if r.get("path"):
                    linked.add((f["path"], r["path"]))
    pairs = [(x, y) for g in planted for k, x in enumerate(g) for y in g[k + 1:]]
    return sum(1 for x, y in pairs if (x, y) in linked or (y, x) in linked), len(pairs)


def du_mb(path: Path) -> float:
    total = 0
    for root, _dirs, files in os.walk(path):
        for f in files:
            try:
                total += os.lstat(os.path.join(root, f)).st_size
            except OSError:
                pass
    return total / 1e6


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=2000, help="reports to generate (default 2,000)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--recall-sample", type=int, default=250, help="reports in the all-pairs recall sample (default 250)")
    ap.add_argument("--groups", type=int, default=None, help="planted copy groups (default n/20)")
    ap.add_argument("--stress", action="store_true",
                    help="generate from whole seed sentences: many chance matches, millions of candidates")
    ap.add_argument("--prior", type=int, default=0,
                    help="issuers that also get last year's report (extra files: year pairs); default 0")
    ap.add_argument("--changed-rerun", action="store_true",
                    help="also time a rerun after one report changed (rechecks it, redoes matching, scoring, outputs)")
    ap.add_argument("--dir", default=None, help="work folder (default: a temporary one, removed after)")
    args = ap.parse_args(argv)

    from batch_gen import generate  # tests/batch_gen.py

    t_bench = time.perf_counter()
    load0 = os.getloadavg()
    say(f"machine                 {os.cpu_count()} cores, load average {load0[0]:.2f} {load0[1]:.2f} {load0[2]:.2f} "
        f"at start; batch --jobs {args.jobs}")
    tmp = None
    if args.dir:
        work = Path(args.dir)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="tc-bench-")
        work = Path(tmp.name)
    try:
        t0 = time.perf_counter()
        gen = generate(work / "in", args.n, seed=42, groups=args.groups,
                       phrasing="sentences" if args.stress else "clauses", prior=args.prior)
        n_files = len(gen.paths) + len(gen.prior)
        say(f"generated               {n_files} files in {time.perf_counter() - t0:.1f} s "
            f"(planted copy groups {len(gen.planted)}, year pairs {len(gen.prior)})")

        out = work / "out"
        timings = work / "timings.json"
        env = dict(os.environ, TEXTCHECK_BATCH_TIMINGS=str(timings))
        cmd = [sys.executable, "-m", "textcheck", "batch", str(work / "in"), "-o", str(out), "-q", "-j", str(args.jobs)]
        full = run_measured(cmd, env)
        info = json.loads(timings.read_text(encoding="utf-8"))
        sec, st = info["seconds"], info["stats"]
        scale = args.n / 10_000
        target = TARGET_10K_S * scale
        say(f"full batch              {full['wall']:.1f} s, {n_files / full['wall']:.1f} reports/s   "
            f"target <= {target:.0f} s ({TARGET_10K_S:.0f} s per 10,000 on 2 cores): {verdict(full['wall'], target)}")
        say("  stages                " + ", ".join(f"{k} {v:.1f} s" for k, v in sec.items()))
        say(f"  check                 {n_files / max(sec.get('check', 0), 1e-9):.1f} reports/s; "
            f"year pairs {st['year_pairs']}; cross-match: paragraphs {st['paragraphs']}, candidates "
            f"{st['candidate_pairs']}, copy groups {st['copy_groups']}")
        say(f"  peak memory           batch process {full['parent_mb']:.0f} MB, with its workers {full['tree_mb']:.0f} MB "
            f"(largest single process {full['largest_child_mb']:.0f} MB)")
        # the batch process's fixed part (libraries, gazetteer): the same batch on 20 of the files, from the cache
        import shutil

        small = work / "small"
        small.mkdir(exist_ok=True)
        for p in gen.paths[:20]:
            shutil.copy(p, small / Path(p).name)
        base = run_measured([sys.executable, "-m", "textcheck", "batch", str(small), "-o", str(work / "small-out"), "-q",
                             "-j", str(args.jobs), "--cache-dir", str(out / ".cache")], env)
        per_report_kb = max(0.0, (full["parent_mb"] - base["parent_mb"]) * 1024 / max(1, n_files - 20))
        say(f"  batch process         {base['parent_mb']:.0f} MB with 20 reports: {per_report_kb:.1f} KB more per report")
        found, planted = planted_found(out, gen.planted)
        say(f"  planted copies found  {found}/{planted} pairs")

        rerun = run_measured(cmd, env)
        say(f"cached rerun            {rerun['wall']:.2f} s   target <= {TARGET_RERUN_S:.0f} s: "
            f"{verdict(rerun['wall'], TARGET_RERUN_S)}   (peak {rerun['tree_mb']:.0f} MB)")

        if args.changed_rerun:
            victim = Path(gen.paths[0])
            victim.write_text(victim.read_text(encoding="utf-8") + "\n补充说明：无。\n", encoding="utf-8")
            changed = run_measured(cmd, env)
            sec2 = json.loads(timings.read_text(encoding="utf-8"))["seconds"]
            say(f"rerun, 1 file changed   {changed['wall']:.1f} s (" + ", ".join(f"{k} {v:.1f} s" for k, v in sec2.items())
                + f"; peak batch process {changed['parent_mb']:.0f} MB)")

        # recall against exact all-pairs on a sample, from the records the batch cached
        from textcheck.batch.discover import discover
        from textcheck.batch.match import cross_match
        from textcheck.batch.options import batch_options
        from textcheck.batch.worker import run_checks
        from textcheck.config import Config

        rng = random.Random(7)
        groups = list(gen.planted)
        rng.shuffle(groups)
        chosen: list[str] = []
        for g in groups:
            if len(chosen) + len(g) > args.recall_sample // 2:
                break
            chosen += g
        others = [p for p in discover([str(work / "in")])[0] if p not in set(chosen)]
        chosen += rng.sample(others, max(0, min(len(others), args.recall_sample - len(chosen))))
        t0 = time.perf_counter()
        cfg = Config()
        opts = batch_options(cfg)
        sub = run_checks(sorted(chosen), cfg, cache_dir=str(out / ".cache"))  # all from the cache
        cm_sub = cross_match(sub, opts, keep_graph=True)
        gid = {pair: g for g, pair in enumerate(cm_sub.para_ids)}
        t_lsh = time.perf_counter() - t0
        t0 = time.perf_counter()
        truth, n_paras = all_pairs_truth(sub, opts, range(len(sub)))
        t_truth = time.perf_counter() - t0
        hit = sum(1 for a, b in truth if a in gid and b in gid and cm_sub.matched(gid[a], gid[b]))
        recall = hit / len(truth) if truth else 1.0
        say(f"recall vs all-pairs     {recall:.4f} ({hit}/{len(truth)} paragraph pairs >= {opts['threshold']:.0f}; sample "
            f"{len(sub)} reports, {n_paras} paragraphs, members of planted groups included; LSH {t_lsh:.1f} s, "
            f"all-pairs {t_truth:.1f} s)   target >= 0.95: {'达标 met' if recall >= 0.95 else '未达标 NOT met'}")

        bench = time.perf_counter() - t_bench
        t_bench_target = TARGET_BENCH_10K_S * scale
        say(f"this benchmark          {bench:.0f} s   target <= {t_bench_target:.0f} s ({TARGET_BENCH_10K_S:.0f} s at 10,000): "
            f"{verdict(bench, t_bench_target)}")

        # extrapolation: time linear in N; the batch process's memory its fixed part + the measured
        # per-report slope; the workers' memory does not grow with N
        workers_mb = max(0.0, full["tree_mb"] - full["parent_mb"])
        for n in (50_000, NATIONAL):
            f = n / n_files
            parent = base["parent_mb"] + per_report_kb * (n - 20) / 1024
            line = (f"extrapolated {n:>7,}   batch {full['wall'] * f / 60:.0f} min on {args.jobs} cores "
                    f"(check {sec.get('check', 0) * f / 60:.0f} min), peak memory <= {parent + workers_mb:.0f} MB "
                    f"(batch process {parent:.0f} + workers {workers_mb:.0f}), outputs + cache {du_mb(out) * f / 1000:.1f} GB")
            if n == 50_000:
                line += f"   target peak <= {TARGET_50K_PEAK_MB:.0f} MB: {verdict(parent + workers_mb, TARGET_50K_PEAK_MB)}"
            say(line)
        load1 = os.getloadavg()
        say(f"machine                 load average {load1[0]:.2f} {load1[1]:.2f} {load1[2]:.2f} at the end")
    finally:
        if tmp is not None:
            tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
