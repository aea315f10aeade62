"""table-balance: the 勾稽关系 of the statutory tables, on every layout the table reader reads."""

from __future__ import annotations

from decimal import Decimal

from textcheck.analysis.tables import Cell, Check, Table, checks, excerpt
from textcheck.document import Document
from textcheck.finding import Severity
from textcheck.rules import Context, Hit, rule

_UNSURE = {"order": "行标签与数字分开排列，按表格行序对应", "position": "空白单元格按表头位置确定",
           "split": "数字连写，按本行合计关系拆分"}


def fmt(x: Decimal | int | None) -> str:
    if x is None:
        return "?"
    d = Decimal(x)
    return str(int(d)) if d == d.to_integral_value() else format(d.normalize(), "f")


def cells_evidence(t: Table, cells) -> list[dict]:
    return [{"row": c.row, "column": c.column, "text": c.text, "line": c.line} for c in cells]


def _sum_text(t: Table, cells: tuple[Cell, ...]) -> str:
    return " + ".join(fmt(c.value) for c in cells)


def message(t: Table, c: Check) -> tuple[str, str]:
    rel = c.relation
    if rel.axis == "row":
        row = t.row_label(c.scope)
        total = c.left[0]
        parts = "、".join(t.column_label(x.column) for x in c.right)
        if rel.kind == "le":
            return (f"“{row}”一行本年度数 {fmt(c.left_sum)} 大于历年累计数 {fmt(c.right_sum)}",
                    "历年累计数包含本年度数，应不小于本年度数；请核对这一行。")
        where = f"“{row}”一行" if t.key != "review" else f"“{row}”"
        return (f"{where}的总计为 {fmt(total.value)}，但{parts}之和为 {fmt(c.right_sum)}（{_sum_text(t, c.right)}）",
                f"核对{where}各栏，使“{t.column_label(total.column)}”等于{parts}之和。")
    col = t.column_label(c.scope)
    if rel.kind == "balance":
        left = " + ".join(f"{t.row_label(x.row)} {fmt(x.value)}" for x in c.left)
        right = " + ".join(f"{t.row_label(x.row)} {fmt(x.value)}" for x in c.right)
        return (f"“{col}”一栏不符合勾稽关系：{left} = {fmt(c.left_sum)}，但{right} = {fmt(c.right_sum)}",
                "核对申请数量和办理结果，使第一项加第二项之和等于第三项加第四项之和。")
    total = c.left[0]
    parts = rel.parts_label or "各项"
    return (f"“{col}”一栏{parts}之和为 {fmt(c.right_sum)}，与“{t.row_label(total.row)}” {fmt(total.value)} 不一致",
            f"核对“{col}”一栏{parts}，使其之和等于“{t.row_label(total.row)}”。")


@rule(
    "table-balance",
    name="统计表不平衡",
    severity="error",
    summary="统计表数据不符合勾稽关系（第一项加第二项等于第三项加第四项，总计等于各项之和）",
    category="tables",
)
def table_balance(doc: Document, ctx: Context):
    """What：按年度报告格式规定的勾稽关系核对三张统计表（表格读法见 docs/tables.md：制表符、竖线、
    一格一行、网页、PDF 分栏、抓取文本中数字连写等各种排版都能读）。“收到和处理政府信息公开申请情况”表：
    每一行的总计等于自然人与五类法人或其他组织之和；每一栏“本年新收 + 上年结转 = 办理结果总计 +
    结转下年度继续办理”；（一）至（六）各项办理结果之和等于（七）总计。“行政复议、行政诉讼情况”表：
    行政复议、未经复议直接起诉、复议后起诉各自的总计等于结果维持、结果纠正、其他结果、尚未审结之和。
    2019 年以前的统计表：受理申请总数等于各申请方式之和、答复总数等于各类答复之和，本年度数不大于历年累计。
    每条问题写明是哪几个单元格、各是多少、违反了哪条关系，以及所在行。数字连写的行无论怎样拆分都对不上时，
    以“警告”报告。

    不报：读不准的表格和单元格（由 table-unreadable 说明）；有空白或非数字单元格的关系（由 table-blank
    说明）；用于拆分连写数字的关系（已按它拆分，无法再核对）。行标签与数字分开排列、靠表格行序对应的，
    或空白位置按表头确定的，降为“警告”。

    Why：规定要求“特别注意数据项的勾稽关系，加强数据审核，确保无错误”，数据对不上是审核首先查的问题。

    Example：本年新收 17、上年结转 2，但办理结果总计只填了 18、结转下年度 0 → 报错。
    """
    for t in ctx.tables(doc).tables:
        for c in checks(t):
            if c.holds is not False:
                continue
            msg, suggestion = message(t, c)
            cells = c.left + c.right
            unsure = sorted({x.inferred for x in cells if x.inferred in _UNSURE})
            lines = [x.line for x in cells if x.line]
            anchor = c.left[0].line or (min(lines) if lines else None)
            hit_sev = None
            conf = 1.0
            if c.relation.kind == "le":
                hit_sev, conf = Severity.WARNING, 0.8
            if unsure:
                msg += "（" + "；".join(_UNSURE[u] for u in unsure) + "）"
                hit_sev, conf = Severity.WARNING, 0.7
            yield Hit(
                message=msg,
                suggestion=suggestion,
                line=anchor,
                end_line=max(lines) if lines else anchor,
                text=excerpt(doc.norm_lines, [x for x in cells if x.line == anchor]),
                section=t.key,
                confidence=conf,
                severity=hit_sev,
                evidence={"table": t.key, "relation": c.relation.label, "scope": c.scope,
                          "left": fmt(c.left_sum), "right": fmt(c.right_sum),
                          "cells": cells_evidence(t, cells)},
            )
        for p in t.problems:
            if p.kind != "unbalanced_digits":
                continue
            yield Hit(
                message=f"“{t.row_label(p.row)}”一行{p.reason}",
                suggestion="核对这一行各栏的数字，使总计等于各栏之和。",
                line=p.line, end_line=p.line,
                section=t.key, confidence=0.6, severity=Severity.WARNING,
                evidence={"table": t.key, "row": p.row, "reason": p.reason},
            )
