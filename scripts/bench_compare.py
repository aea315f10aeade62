"""Time ``textcheck compare`` on two ~15,000-character reports: as a whole process (target <= 1.5 s,
issue 19) and after start-up (target < 500 ms). Medians of several runs; the load average is printed.

    python scripts/bench_compare.py [--runs 5]     # or call bench_compare() from scripts/bench.py

The old report is seed 004 with narrative from seeds 001/003 appended to its overview (the same
construction as scripts/bench.py); the new one edits it: numbers changed in every third paragraph,
every fifth paragraph reversed sentence by sentence, two paragraphs swapped.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "corpora" / "samples"
sys.path.insert(0, str(ROOT))


def _long_report(target_chars: int = 15000) -> str:
    sys.path.insert(0, str(ROOT / "scripts"))
    from bench import long_report

    return long_report(target_chars, numbered=True)


def _edited(text: str) -> str:
    paras = text.split("\n\n")
    out = []
    for k, p in enumerate(paras):
        if len(p) > 80 and k % 3 == 0:
            p = re.sub(r"\d+", lambda m: str(int(m.group()) + 7), p)
        if len(p) > 80 and k % 5 == 0:
            p = "。".join(reversed(p.split("。")))
        out.append(p)
    if len(out) > 12:
        out[10], out[11] = out[11], out[10]
    return "\n\n".join(out)


def bench_compare(repeat: int = 5) -> float:
    """Median seconds of one compare (parse both + align + rules) after start-up; prints a summary."""
    from textcheck.compare import compare_documents
    from textcheck.parse import parse_text

    old_text = _long_report()
    new_text = _edited(old_text)
    t0 = time.perf_counter()
    r = compare_documents(parse_text(old_text, "old.txt"), parse_text(new_text, "new.txt"))
    first = time.perf_counter() - t0
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        r = compare_documents(parse_text(old_text, "old.txt"), parse_text(new_text, "new.txt"))
        times.append(time.perf_counter() - t)
    med = statistics.median(times)
    print(f"compare: old {len(old_text):,} chars, new {len(new_text):,} chars; "
          f"{len(r.comparison.pairs)} aligned paragraphs, carry-over {r.total['ratio']:.1%}, {len(r.findings)} findings")
    print(f"compare, first call in process (imports + dictionary load): {first:.2f} s")
    print(f"compare, two 15,000-char reports after start-up: {med * 1000:.0f} ms   (target < 500 ms)")
    return med


def bench_compare_process(runs: int = 5) -> float:
    """Median wall time of ``textcheck compare OLD NEW`` as a whole process (after one untimed run)."""
    old_text = _long_report()
    tmp = Path(tempfile.mkdtemp(prefix="textcheck-bench-compare-"))
    old, new = tmp / "old_15k.txt", tmp / "new_15k.txt"
    old.write_text(old_text, encoding="utf-8")
    new.write_text(_edited(old_text), encoding="utf-8")
    cmd = [sys.executable, "-m", "textcheck", "compare", str(old), str(new), "--fail-on", "never"]
    subprocess.run(cmd, capture_output=True, check=True)
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=True)
        times.append(time.perf_counter() - t)
    med = statistics.median(times)
    print(f"compare of two 15,000-char reports as a whole process: {med:.2f} s (median of {runs})   "
          f"target <= 1.5 s: {'ok' if med <= 1.5 else 'MISSED'}")
    return med


def _load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:  # pragma: no cover
        return "n/a"


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    print(f"load average before: {_load()}")
    bench_compare_process(args.runs)
    bench_compare(args.runs)
    print(f"load average after: {_load()}")
