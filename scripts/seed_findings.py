#!/usr/bin/env python3
"""Run the checker over every real report in the repo and diff the findings against the reviewed
baseline (tests/fixtures/seed_findings.txt), the way ruff diffs findings on real projects.

    python scripts/seed_findings.py            # show what appeared (+) and disappeared (-)
    python scripts/seed_findings.py --update   # accept the current findings as the new baseline

A rule change that makes a finding appear on a clean report shows up here before it ships.
"""

from __future__ import annotations

import difflib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BASELINE = ROOT / "tests" / "fixtures" / "seed_findings.txt"


def current() -> str:
    from textcheck.engine import check_path

    lines = []
    for path in sorted((ROOT / "corpora" / "samples").glob("*.txt")):
        result = check_path(str(path))
        lines.append(f"# {path.name}")
        for f in result.findings:
            lines.append(f"{f.rule}\t{f.severity.value}\t{f.line}\t{f.message}")
    return "\n".join(lines) + "\n"


def main() -> int:
    now = current()
    if "--update" in sys.argv:
        BASELINE.write_text(now, encoding="utf-8")
        print(f"baseline written: {BASELINE.relative_to(ROOT)}")
        return 0
    before = BASELINE.read_text(encoding="utf-8") if BASELINE.exists() else ""
    diff = list(difflib.unified_diff(before.splitlines(), now.splitlines(), "baseline", "current", lineterm="", n=0))
    if not diff:
        print("findings on the real reports are unchanged")
        return 0
    print("\n".join(diff))
    return 1


if __name__ == "__main__":
    sys.exit(main())
