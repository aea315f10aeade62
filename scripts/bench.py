#!/usr/bin/env python3
"""Speed figures for textcheck. Prints numbers; asserts nothing (targets are printed beside them).

    python scripts/bench.py            # check + CLI + compare + gazetteer + a small batch
    python scripts/bench.py --quick    # check + CLI only

Targets (2-core machine): check of a 15,000-character report after start-up < 0.3 s; CLI end to
end < 1.5 s after the first run; compare of two 15,000-character reports < 0.5 s after start-up.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "corpora" / "samples"
sys.path.insert(0, str(ROOT))


def long_report(target_chars: int = 15000, numbered: bool = False) -> str:
    """Seed 004 with narrative from seeds 001 and 003 added to its overview, to ``target_chars``.

    ``numbered`` tags each added paragraph (（第N项）) so repeated filler stays distinguishable."""
    base = (SAMPLES / "004_b4d69b5948b33890.txt").read_text(encoding="utf-8")
    extra = []
    for name in ("001_8442b5afd2c71afd.txt", "003_c09c82378b8e7991.txt"):
        for line in (SAMPLES / name).read_text(encoding="utf-8").splitlines():
            if len(line) > 80 and "\t" not in line and "|" not in line:
                extra.append(line)
    cut = base.index("二、主动公开政府信息情况")
    filler, i = [], 0
    while len(base) + sum(len(x) + 2 for x in filler) < target_chars:
        filler.append(extra[i % len(extra)] + (f"（第{i + 1}项）" if numbered else ""))
        i += 1
    return base[:cut] + "\n\n".join(filler) + "\n\n" + base[cut:]


def timed(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()

    text = long_report()
    tmp = Path(tempfile.mkdtemp(prefix="textcheck-bench-"))
    path = tmp / "report_15k.txt"
    path.write_text(text, encoding="utf-8")
    print(f"report: {len(text):,} characters, {text.count(chr(10)) + 1} lines")

    t0 = time.perf_counter()
    from textcheck.engine import check_path

    check_path(str(path))
    first = time.perf_counter() - t0
    per = timed(lambda: check_path(str(path)), repeat=10)
    print(f"check, first call in process (imports + dictionary load): {first:.2f} s")
    print(f"check, one 15,000-char report after start-up: {per * 1000:.0f} ms   (target < 300 ms)")

    cmd = [sys.executable, "-m", "textcheck", "check", str(path), "--fail-on", "never"]
    subprocess.run(cmd, capture_output=True, check=True)  # the first run builds the jieba cache
    cli = timed(lambda: subprocess.run(cmd, capture_output=True, check=True), repeat=5)
    print(f"CLI end to end (textcheck check, after the first run): {cli:.2f} s   (target < 1.5 s)")
    help_cmd = [sys.executable, "-m", "textcheck", "--help"]
    print(f"CLI --help: {timed(lambda: subprocess.run(help_cmd, capture_output=True, check=True), 3):.2f} s")

    if args.quick:
        return
    for script, extra in (("bench_compare.py", []), ("eval_identity.py", ["--timing"]), ("bench_batch.py", ["--n", "200"])):
        p = ROOT / "scripts" / script
        if p.exists():
            print(f"\n--- scripts/{script} {' '.join(extra)}")
            sys.stdout.flush()
            subprocess.run([sys.executable, str(p), *extra], check=False)


if __name__ == "__main__":
    main()
