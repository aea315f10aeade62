#!/usr/bin/env python3
"""Scaffold a new rule: its module in textcheck/rules/ and a test file whose two tests fail until
they are written (docs/adding-a-rule.md says what else a rule needs).

    python scripts/new_rule.py my-rule-id --category content [--severity warning] [--area my_area]
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

MODULE = '''"""{rule_id}: TODO one line in English: what the rule looks at."""

from __future__ import annotations

from textcheck.document import Document
from textcheck.rules import Context, Hit, rule


@rule(
    "{rule_id}",
    name="TODO 短名称",
    severity="{severity}",
    summary="TODO 一行中文说明",
    category="{category}",
    options={{}},
)
def {func}(doc: Document, ctx: Context):
    """TODO 报告什么、为什么（依据）。

    例：TODO。

    不报：TODO。
    """
    yield from ()  # TODO: yield Hit(message=..., suggestion=..., line=..., end_line=..., text=...)
'''

TESTS = '''"""{rule_id}: must fire on ..., must stay silent on ..."""

from support import check_text, findings_of, good_report


def test_{func}_fires_on_TODO():
    result = check_text(good_report())  # TODO: a fixture in tests/fixtures/{area}/ with the defect
    assert findings_of(result, "{rule_id}"), "write the fixture that must fire"


def test_{func}_silent_on_clean_report():
    assert not findings_of(check_text(good_report()), "{rule_id}")
    raise AssertionError("TODO: add the near misses that must stay silent, then remove this line")
'''


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("rule_id", help="kebab-case, e.g. empty-section")
    ap.add_argument("--category", required=True, help="structure, content, identity, tables, duplication...")
    ap.add_argument("--severity", default="warning", choices=("error", "warning", "info"))
    ap.add_argument("--area", default=None, help="tests/test_<area>.py (default: the rule id)")
    args = ap.parse_args(argv)
    if not re.fullmatch(r"[a-z]+(-[a-z]+)*", args.rule_id):
        ap.error("a rule id is kebab-case: lowercase words joined by '-'")
    func = args.rule_id.replace("-", "_")
    area = args.area or func
    module = ROOT / "textcheck" / "rules" / f"{func}.py"
    tests = ROOT / "tests" / f"test_{area}.py"
    for path in (module, tests):
        if path.exists():
            print(f"{path.relative_to(ROOT)} exists; nothing written", file=sys.stderr)
            return 1
    fields = dict(rule_id=args.rule_id, func=func, severity=args.severity, category=args.category, area=area)
    module.write_text(MODULE.format(**fields), encoding="utf-8")
    tests.write_text(TESTS.format(**fields), encoding="utf-8")
    print(f"wrote {module.relative_to(ROOT)} and {tests.relative_to(ROOT)}; next: fixtures in tests/fixtures/{area}/,"
          " then python scripts/gen_rules_doc.py and python scripts/seed_findings.py")
    return 0


if __name__ == "__main__":
    sys.exit(main())
