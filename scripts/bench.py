#!/usr/bin/env python3
"""Speed figures for textcheck, each printed with its target (issue 19). Prints numbers; asserts nothing.

    python scripts/bench.py            # start-up, check after start-up, throughput, compare, batch
    python scripts/bench.py --quick    # start-up and check only
    python scripts/bench.py --runs 9   # more runs per figure (medians are printed)

The machine is shared: every figure is the median of several runs, and the load average is printed
before and after. Targets:
- ``textcheck check`` of seed 003 as a whole process: <= 0.7 s on a quiet machine, and <= 0.6x a bare
  ``import jieba; jieba.initialize()`` process measured in the same run;
- after start-up, a 15,000-character report <= 1.5x ``jieba.lcut`` of the same text;
- throughput (characters per second) flat in length: each length within 20 % of the shortest's;
- compare of two 15,000-character reports as a whole process <= 1.5 s (scripts/bench_compare.py).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
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


def load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg()) + f" ({os.cpu_count()} cores)"
    except OSError:  # pragma: no cover - not on every platform
        return "n/a"


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def child_env() -> dict[str, str]:
    """The environment for timed processes: this one without PYTHONDONTWRITEBYTECODE, so that the untimed
    first run writes the bytecode cache, as every installed or first-run Python program has it (with the
    variable set, each run compiled textcheck's ~100 modules from source again, ~0.05-0.07 s)."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def process_time(cmd: list[str], runs: int, env: dict | None = None) -> float:
    """Median wall time of ``cmd`` as a whole process, after one untimed run (which builds caches:
    the gazetteer index, the bytecode cache)."""
    env = child_env() if env is None else env
    subprocess.run(cmd, capture_output=True, env=env)
    return timed(lambda: subprocess.run(cmd, capture_output=True, env=env), runs)


def startup(runs: int) -> None:
    seed = SAMPLES / "003_c09c82378b8e7991.txt"
    py = sys.executable
    bare = process_time([py, "-c", "pass"], runs)
    jieba = process_time([py, "-c", "import jieba; jieba.initialize()"], runs)
    check = process_time([py, "-m", "textcheck", "check", str(seed), "--fail-on", "never"], runs)
    helps = process_time([py, "-m", "textcheck", "--help"], runs)
    bytecode = "bytecode cache on" + (" (PYTHONDONTWRITEBYTECODE dropped for these runs)" if "PYTHONDONTWRITEBYTECODE" in os.environ else "")
    seg = subprocess.run([py, "-c", "from textcheck.resources import segmenter; print(segmenter()[0])"],
                         capture_output=True, text=True).stdout.strip()
    print(f"start-up, medians of {runs} runs (segmenter: {seg}; {bytecode}):")
    print(f"  python -c pass:                               {bare:.2f} s")
    print(f"  import jieba; jieba.initialize():             {jieba:.2f} s")
    print(f"  textcheck --help:                             {helps:.2f} s")
    print(f"  textcheck check seed 003 (whole process):     {check:.2f} s   target <= 0.70 s on a quiet machine: "
          f"{verdict(check <= 0.7)}; <= 0.6x jieba's ({0.6 * jieba:.2f} s): {check / jieba:.2f}x {verdict(check <= 0.6 * jieba)}")


def after_startup(runs: int, quick: bool) -> None:
    """Per report, in a process that has started up. Twice: as in one ``textcheck check`` process
    (place names matched by pyahocorasick, whose automaton the cache holds), and as in the processes
    that check report after report — batch workers, ``textcheck serve`` — which build the faster Rust
    matcher once at their start (``Gazetteer.speed_up``, ~0.08 s; the same matches)."""
    from textcheck import resources
    from textcheck.engine import check_document
    from textcheck.gazetteer import gazetteer
    from textcheck.parse import parse_text

    jieba = resources._import_jieba()
    jieba.setLogLevel(60)
    jieba.initialize()

    def check_once(text: str) -> None:
        resources._ends.cache_clear()  # every run segments its text, as a new report would
        check_document(parse_text(text, "report.txt"))

    lengths = (15000,) if quick else (5000, 15000, 30000, 60000)
    for label, warm in (("as in one `textcheck check` process", False),
                        ("as in batch workers and `textcheck serve` (Gazetteer.speed_up)", True)):
        if warm and not gazetteer().speed_up():
            print("  (ahocorasick_rs is not installed: no faster matcher to measure)")
            return
        rates = {}
        print(f"after start-up, {label}, medians of {runs} runs:")
        for n in lengths:
            text = long_report(n, numbered=True)
            check_once(text)
            c = timed(lambda: check_once(text), runs)
            rates[n] = len(text) / c
            line = f"  {len(text):>6,} chars: check {c * 1000:5.0f} ms, {rates[n] / 1000:4.0f}k chars/s"
            if n == 15000:
                lc = timed(lambda: jieba.lcut(text), runs)
                line += (f"; jieba.lcut {lc * 1000:.0f} ms; check / lcut = {c / lc:.2f}   target <= 1.5: "
                         f"{verdict(c <= 1.5 * lc)}")
            print(line)
        if len(rates) > 1:
            first = rates[lengths[0]]
            worst = min(rates.values()) / first
            print(f"  throughput, slowest length / shortest: {worst:.2f}   target >= 0.80 (flat): {verdict(worst >= 0.8)}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()

    print(f"load average before: {load()}")
    startup(args.runs)
    after_startup(args.runs, args.quick)
    print(f"load average after: {load()}")
    if args.quick:
        return
    for script, extra in (("bench_compare.py", ["--runs", str(args.runs)]), ("eval_identity.py", ["--timing"]), ("bench_batch.py", ["--n", "200"])):
        p = ROOT / "scripts" / script
        if p.exists():
            print(f"\n--- scripts/{script} {' '.join(extra)}")
            sys.stdout.flush()
            subprocess.run([sys.executable, str(p), *extra], check=False)


if __name__ == "__main__":
    main()
