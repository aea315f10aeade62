#!/usr/bin/env python3
"""What ``textcheck fix`` would do on every report of a folder (default: the seeds and ../shared/corpus),
measured on the text: how many fixes of each rule are offered (safe / needing --select), how many the
default run applies or skips, and whether re-checking the fixed text removes their findings and brings
no finding of a new rule.

    python scripts/eval_fixes.py [FOLDER ...] [-v]

Nothing is written; any format the checker reads is measured through its text (``fix`` itself writes
txt and docx only).
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(argv: list[str]) -> int:
    from textcheck.document import Source
    from textcheck.engine import check_document, check_path
    from textcheck.errors import TextcheckError
    from textcheck.parse import parse
    from textcheck.readers import REPORT_SUFFIXES
    from textcheck.render import fix_apply

    verbose = "-v" in argv
    folders = [Path(a) for a in argv if a != "-v"] or [ROOT / "corpora" / "samples", ROOT.parent / "shared" / "corpus"]
    files = sorted(p for f in folders if f.exists() for p in f.rglob("*") if p.is_file() and p.suffix.lower() in REPORT_SUFFIXES)
    offered, safe, applied, skipped, gone, stayed = Counter(), Counter(), Counter(), Counter(), Counter(), Counter()
    new_rules: Counter = Counter()
    changed = 0
    for path in files:
        try:
            result = check_path(str(path))
        except TextcheckError:
            continue
        doc = result.document
        for f in result.findings:
            if f.fix is not None:
                offered[f.rule] += 1
                safe[f.rule] += f.fix.safe
        plan = fix_apply.plan(doc, fix_apply.chosen(result.findings))
        for f, why in plan.skipped:
            skipped[f.rule] += 1
            if verbose:
                print(f"{path.name}: skipped {f.rule}: {why}")
        if not plan.edits:
            continue
        changed += 1
        _data, text = fix_apply.fix_text(doc, plan.edits)
        after = check_document(parse(Source(text=text, path=str(path), format="txt")))
        for f in plan.applied:
            applied[f.rule] += 1
            if any(g.rule == f.rule and g.message == f.message for g in after.findings):
                stayed[f.rule] += 1
                if verbose:
                    print(f"{path.name}: {f.rule} still reported after its fix: {f.message}")
            else:
                gone[f.rule] += 1
        before = {f.rule for f in result.findings}
        for g in after.findings:
            if g.rule not in before:
                new_rules[g.rule] += 1
                if verbose:
                    print(f"{path.name}: new after fixing: {g.rule} {g.message}")
    print(f"files: {len(files)}, changed by the default fixes: {changed}")
    print(f"{'rule':24} offered  safe  applied  skipped  finding-gone  still-there")
    for rule in sorted(offered):
        print(f"{rule:24} {offered[rule]:7} {safe[rule]:5} {applied[rule]:8} {skipped[rule]:8} {gone[rule]:13} {stayed[rule]:12}")
    print(f"findings of a rule not reported before the fixes: {sum(new_rules.values())} {dict(new_rules) or ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
