"""Benchmark ``textcheck batch``: generate N reports from the seeds, check, cross-match, write outputs.

    python scripts/bench_batch.py               # N=300, recall on all of them (~1 min on 2 cores)
    python scripts/bench_batch.py --n 10000     # the full target (10,000 reports < 10 min, < 4 GB)
    python scripts/bench_batch.py --n 10000 --stress   # whole sentences from a tiny pool: worst case
    python scripts/bench_batch.py --n 7500 --prior 2500 # 10,000 files, 2,500 of them last year's: year pairs

Prints reports/s for checking, for the year pairs (compare in worker processes, side-by-side pages
rendered) and for cross-report matching, peak memory, and the recall of the MinHash-LSH matching
against exact all-pairs comparison (rapidfuzz cdist) on a sample.
"""

from __future__ import annotations

import argparse
from collections import Counter
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # batch_gen: the generator the tests use


def peak_mb() -> tuple[float, float]:
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return me, kids


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
    truth = set()
    block = 2000
    for start in range(0, len(texts), block):
        m = process.cdist(texts[start : start + block], texts, scorer=fuzz.ratio, score_cutoff=thr,
                          dtype=np.uint8, workers=-1)
        rows, cols = np.nonzero(m)
        for r, c in zip(rows.tolist(), cols.tolist()):
            a, b = start + r, c
            if a < b and iss[a] != iss[b]:
                truth.add((ids[a], ids[b]))
    return truth


def why_missed(a, b, opts) -> str:
    """Why a planted pair was not reported: no paragraphs of reports ``a`` and ``b`` reach the threshold
    (the copier's name made them differ), every pair that does is template wording (never compared),
    or else the boilerplate filter dropped it or the matcher missed it."""
    from rapidfuzz import fuzz, process

    ta, tb = [p["text"] for p in a["paragraphs"]], [p["text"] for p in b["paragraphs"]]
    if not ta or not tb:
        return "below"
    m = process.cdist(ta, tb, scorer=fuzz.ratio)
    pairs = list(zip(*(m >= opts["threshold"]).nonzero()))
    if not pairs:
        return "below"
    share = opts["template_share"]
    if all(max(a["paragraphs"][i].get("template", 0), b["paragraphs"][j].get("template", 0)) >= share for i, j in pairs):
        return "template"
    return "other"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=300, help="reports to generate (default 300)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--recall-sample", type=int, default=1000, help="reports in the all-pairs recall sample")
    ap.add_argument("--groups", type=int, default=None, help="planted copy groups (default n/20)")
    ap.add_argument("--no-html", action="store_true", help="skip writing the outputs")
    ap.add_argument("--stress", action="store_true",
                    help="generate from whole seed sentences: many chance matches, millions of candidates")
    ap.add_argument("--prior", type=int, default=0,
                    help="issuers that also get last year's report (extra files: year pairs); default 0")
    ap.add_argument("--dir", default=None, help="work folder (default: a temporary one, removed after)")
    args = ap.parse_args(argv)

    from textcheck.batch.discover import discover
    from textcheck.batch.match import cross_match
    from textcheck.batch.options import batch_options
    from textcheck.batch.run import run_batch
    from textcheck.batch.worker import run_checks
    from textcheck.batch.years import compare_pairs, find_pairs
    from textcheck.render.batch_output import pair_page, write_outputs
    from batch_gen import generate  # tests/batch_gen.py
    from textcheck.config import Config

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
        t_gen = time.perf_counter() - t0
        files = discover([str(work / "in")])[0]
        cfg = Config()
        opts = batch_options(cfg)

        t0 = time.perf_counter()
        records = run_checks(files, cfg, jobs=args.jobs, cache_dir=str(work / "out" / ".cache"))
        t_check = time.perf_counter() - t0
        t0 = time.perf_counter()
        pairs = find_pairs(records, range(len(records)))
        summaries = compare_pairs(records, pairs, cfg, jobs=args.jobs, cache_dir=str(work / "out" / ".cache"),
                                  max_bytes=20 * 1024 * 1024, page=pair_page)
        t_pairs = time.perf_counter() - t0
        planted_prior = {(o, nw) for o, nw in gen.prior}
        found_prior = {(records[o]["path"], records[nw]["path"]) for o, nw in pairs}
        over = sum(1 for x in summaries if x and (x["ratio"] or 0) > 0.5)
        t0 = time.perf_counter()
        cm = cross_match(records, opts)
        t_match = time.perf_counter() - t0

        # planted groups: every pair of members linked by a finding
        by_path = {r["path"]: i for i, r in enumerate(records)}
        linked = {(a, b) for a, paras in cm.matches.items() for plist in paras.values() for b, _, _ in plist}
        planted_pairs = [(by_path[x], by_path[y]) for g in gen.planted for k, x in enumerate(g) for y in g[k + 1:]]
        planted_found = sum(1 for a, b in planted_pairs if (a, b) in linked)
        why = Counter(why_missed(records[a], records[b], opts) for a, b in planted_pairs if (a, b) not in linked)

        # recall against exact all-pairs on a sample
        rng = random.Random(7)
        ok = [i for i, r in enumerate(records) if r["status"] == "ok"]
        sample = sorted(rng.sample(ok, min(args.recall_sample, len(ok))))
        sub = [records[i] for i in sample]
        t0 = time.perf_counter()
        cm_sub = cross_match(sub, opts, keep_graph=True)
        t_sub = time.perf_counter() - t0
        gid = {pair: g for g, pair in enumerate(cm_sub.para_ids)}
        t0 = time.perf_counter()
        truth = all_pairs_truth(sub, opts, range(len(sub)))
        t_truth = time.perf_counter() - t0
        hit = sum(1 for a, b in truth if a in gid and b in gid and cm_sub.matched(gid[a], gid[b]))
        recall = hit / len(truth) if truth else 1.0

        t_out = 0.0
        if not args.no_html:
            t0 = time.perf_counter()
            result = run_batch(files, cfg, jobs=args.jobs, cache_dir=str(work / "out" / ".cache"), pair_page=pair_page)
            write_outputs(result, work / "out")
            t_out = time.perf_counter() - t0
        me, kids = peak_mb()
        n = len(files)
        print(f"reports                 {n}   (generated in {t_gen:.1f} s; planted groups {len(gen.planted)})")
        print(f"check                   {t_check:.1f} s   {n / t_check:.1f} reports/s   (jobs={args.jobs})")
        if pairs or args.prior:
            print(f"year pairs              {t_pairs:.1f} s   {len(pairs) / max(t_pairs, 1e-9):.1f} pairs/s   "
                  f"{len(pairs)} pairs ({len(planted_prior & found_prior)}/{len(planted_prior)} generated pairs found), "
                  f"{over} over 50% carried over")
        print(f"cross-match             {t_match:.2f} s   {n / max(t_match, 1e-9):.0f} reports/s   "
              f"paragraphs {cm.paragraphs}, template {cm.template_paragraphs}, candidates {cm.candidates}, "
              f"copy groups {len(cm.groups)}, boilerplate paragraphs {cm.boilerplate_paragraphs}")
        print(f"planted pairs found     {planted_found}/{len(planted_pairs)}   (missed: {why['below']} below the threshold "
              f"once the copier's name is put in, {why['template']} template wording, {why['other']} boilerplate or matcher)")
        print(f"recall vs all-pairs     {recall:.4f}  ({hit}/{len(truth)} paragraph pairs >= {opts['threshold']:.0f}, "
              f"sample {len(sub)} reports; LSH {t_sub:.2f} s, all-pairs {t_truth:.1f} s)")
        if not args.no_html:
            print(f"rerun + outputs         {t_out:.1f} s (all from cache: match + score + CSV/XLSX/JSONL/HTML pages)")
        print(f"peak memory             parent {me:.0f} MB, largest worker {kids:.0f} MB")
    finally:
        if tmp is not None:
            tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
