"""table-value: numbers a cell of the statutory tables cannot hold."""

from __future__ import annotations

import re

from textcheck.analysis.tables import excerpt
from textcheck.document import Document
from textcheck.finding import Severity
from textcheck.rules import Context, Hit, rule

_DECIMALS = re.compile(r"保留\s*(\d)\s*位小数")


@rule(
    "table-value",
    name="统计表数值不合规",
    severity="error",
    summary="统计表中的数字不合规：件数为负数或带小数，收费金额单位或小数位数不对",
    category="tables",
)
def table_value(doc: Document, ctx: Context):
    """What：统计表中计件的单元格（申请数、办理结果、复议诉讼、制发废止件数等）出现负数或小数；收费金额一栏
    写了“元”等与表头“万元”不符的单位，或小数位数多于表头规定（如“保留4位小数”）。

    不报：可以为负数的“本年增/减”栏（2019 年版格式）；没有规定小数位数时的小数位数；读不准的单元格。

    Why：件数只能是非负整数；收费金额按格式以万元填报，单位错了数值就差一万倍。

    Example：“本年新收政府信息公开申请数量”填了 -2，或“本年收费金额（单位：万元）”填了“350元”。
    """
    for t in ctx.tables(doc).tables:
        places = None
        for g, cols in t.columns_used:
            kinds = {c.key: c for c in cols}
            for r in t.rows:
                if r.group != g:
                    continue
                for c in r.cells:
                    col = kinds.get(c.column)
                    if col is None or c.status != "number" or c.value is None:
                        continue
                    if col.kind in ("count", "signed") and c.decimals:
                        yield _hit(doc, t, c, f"{t.cell_name(c)}是件数，却填了小数 {c.text}", "件数应为整数，请核对。")
                    elif col.kind == "count" and c.value < 0:
                        yield _hit(doc, t, c, f"{t.cell_name(c)}是件数，却填了负数 {c.text}", "件数不能为负数，请核对。")
                    elif col.kind == "amount" and col.unit and c.unit and c.unit != col.unit:
                        yield _hit(doc, t, c, f"{t.cell_name(c)}写作“{c.text}{c.unit}”，但表头规定单位为{col.unit}",
                                   f"按{col.unit}填写数字（不带单位），如 350 元应填 0.0350。", Severity.WARNING)
                    elif col.kind == "amount" and c.decimals:
                        if places is None:
                            head = "\n".join(doc.norm_lines[(t.line or 1) - 1 : t.end_line or len(doc.norm_lines)])
                            m = _DECIMALS.search(head)
                            places = int(m.group(1)) if m else -1
                        if 0 <= places < c.decimals:
                            yield _hit(doc, t, c, f"{t.cell_name(c)}填了 {c.text}，有 {c.decimals} 位小数，表头规定保留 {places} 位",
                                       f"按表头要求保留 {places} 位小数。", Severity.WARNING)


def _hit(doc: Document, t, c, message: str, suggestion: str, severity: Severity | None = None) -> Hit:
    return Hit(
        message=message, suggestion=suggestion, line=c.line, end_line=c.line, text=excerpt(doc.norm_lines, [c]),
        section=t.key, severity=severity, confidence=0.9 if c.inferred else 1.0,
        evidence={"table": t.key, "row": c.row, "column": c.column, "text": c.text, "unit": c.unit},
    )
