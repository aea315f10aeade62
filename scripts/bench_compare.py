"""Time ``textcheck compare`` on two ~15,000-character reports, after start-up.

    python scripts/bench_compare.py          # or call bench_compare() from scripts/bench.py

The old report is seed 004 with narrative from seeds 001/003 appended to its overview (the same
construction as scripts/bench.py); the new one edits it: numbers changed in every third paragraph,
every fifth paragraph reversed sentence by sentence, two paragraphs swapped.
"""

from __future__ import annotations

import re
import statistics
import sys
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


if __name__ == "__main__":
    bench_compare()
