"""table-blank: cells of the statutory tables left empty (or holding a dash) instead of 0."""

from __future__ import annotations

from textcheck.analysis.tables import excerpt
from textcheck.document import Document
from textcheck.rules import Context, Hit, rule


@rule(
    "table-blank",
    name="统计表有空格",
    severity="warning",
    summary="统计表中有空白单元格（没有数据的应填“0”，不能留有空白）",
    category="tables",
    options={"examples": 3},
)
def table_blank(doc: Document, ctx: Context):
    """What：统计表中该填数字的单元格空着，或填了“—”“/”“无”等非数字内容。每张表报一次，列出单元格
    （所在行、栏目、行号）和总数。

    不报：读不准的表格行（由 table-unreadable 说明）；表头、行标签等本来就不填数的格；用文字叙述代替表格的部分。

    Why：资阳市《通知》（种子 000）要求“表格中没有数据的应填‘0’，不能留有空白”；空白也让勾稽关系无法核对。

    Example：网页版报告“收到和处理政府信息公开申请情况”表中五类法人或其他组织各栏全部空着 → 提醒填“0”。
    """
    shown = int(ctx.options["examples"])
    for t in ctx.tables(doc).tables:
        empty = [c for r in t.rows for c in r.cells if c.status in ("blank", "text")]
        if not empty:
            continue
        names = [t.cell_name(c) + (f"填了“{c.text}”" if c.status == "text" else "") for c in empty[:shown]]
        more = f"等 {len(empty)} 个单元格" if len(empty) > shown else ""
        lines = [c.line for c in empty if c.line]
        yield Hit(
            message=f"表{t.number}“{t.title}”中{'、'.join(names)}{more}没有填数字",
            suggestion="没有数据的单元格应填“0”，不能留有空白或填“—”。",
            line=min(lines) if lines else t.line,
            end_line=max(lines) if lines else t.end_line,
            text=excerpt(doc.norm_lines, empty[:1]),
            section=t.key,
            confidence=0.9 if any(c.inferred == "position" for c in empty) else 1.0,
            evidence={"table": t.key, "count": len(empty),
                      "cells": [{"row": c.row, "column": c.column, "text": c.text, "line": c.line} for c in empty]},
        )
