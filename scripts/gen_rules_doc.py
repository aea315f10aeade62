#!/usr/bin/env python3
"""Write docs/rules.md from the rule registry (the same declarations `textcheck rules` prints).

    python scripts/gen_rules_doc.py          # rewrite docs/rules.md
    python scripts/gen_rules_doc.py --check  # exit 1 if docs/rules.md is out of date
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SCOPES = {"report": "单份报告（check、batch）", "compare": "年度对比（compare）", "batch": "批量检查（batch）"}


def render() -> str:
    from textcheck.rules import all_rules

    specs = sorted(all_rules(), key=lambda r: (list(SCOPES).index(r.scope) if r.scope in SCOPES else 9, r.id))
    out = ["# 规则一览", "", "本文件由 `python scripts/gen_rules_doc.py` 从规则注册表生成，请勿手工修改。",
           "规则编号是 JSON 输出的一部分：发布后不会改名，也不会复用。", ""]
    out += ["| 编号 | 名称 | 默认级别 | 适用 | 说明 |", "|---|---|---|---|---|"]
    for r in specs:
        out.append(f"| `{r.id}` | {r.name} | {r.severity.label} | {SCOPES.get(r.scope, r.scope)} | {r.summary} |")
    for r in specs:
        out += ["", f"## {r.id}（{r.name}）", "", f"默认级别：{r.severity.label}；适用：{SCOPES.get(r.scope, r.scope)}", "", r.doc]
        if r.options:
            out += ["", "可配置选项：", ""] + [f"- `{k}` = `{v!r}`" for k, v in r.options.items()]
    return "\n".join(out) + "\n"


def main() -> int:
    target = ROOT / "docs" / "rules.md"
    text = render()
    if "--check" in sys.argv:
        return 0 if target.exists() and target.read_text(encoding="utf-8") == text else 1
    target.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
