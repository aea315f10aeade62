"""table-unreadable: which table (or row) could not be read exactly, and why; never silent."""

from __future__ import annotations

from textcheck.analysis.tables import cut_short
from textcheck.document import Document
from textcheck.rules import Context, Hit, rule

_TABLE_SECTIONS = ("active", "requests", "review")


@rule(
    "table-unreadable",
    name="统计表读不出",
    severity="info",
    summary="统计表（或其中几行）无法准确读出，相关核对未进行",
    category="tables",
    options={"reasons": 3},
)
def table_unreadable(doc: Document, ctx: Context):
    """What：说明哪张统计表、哪几行读不准以及原因（数字连写有多种拆法、一行的数字个数不对、行标签与数字
    对不上、用文字叙述代替表格、有标题却找不到表格），这些地方的勾稽关系、空白和数值都没有核对。

    不报：读得准的表；报告中本来没有的部分（由 section-missing 说明）；文件在表格处截断时被截断的最后一行。

    Why：核对不了时要说清楚，不能悄悄跳过，让人误以为表格没有问题。

    Example：抓取的网页文本把表格各栏连成一串数字“898989”，拆法不止一种 → 说明该行无法核对。
    """
    shown = int(ctx.options["reasons"])
    tables = ctx.tables(doc)
    absent = []  # (line, what): tables with a section but no table, and sections written as prose
    for p in tables.problems if tables.template != "2017" else ():
        s = doc.section(p.table) if p.kind == "missing" and p.table in _TABLE_SECTIONS else None
        if s is not None:
            absent.append((s.line, f"“{s.title}”（没有找到表格）", p.table))
    for t in tables.tables:
        if t.layout == "narrative":
            line = t.problems[0].line if t.problems else t.line
            absent.append((line or 0, f"表{t.number}“{t.title}”（{doc.label(line)}用文字叙述）", t.key))
    if absent:
        absent.sort()
        yield Hit(
            message="以下部分没有按格式列出统计表，表格数据未核对：" + "、".join(w for _, w, _ in absent),
            suggestion="按年度报告格式列出统计表；若表格是图片，请提供带文字的版本。",
            line=absent[0][0] or None, end_line=absent[-1][0] or None, section=absent[0][2],
            evidence={"tables": [k for _, _, k in absent]},
        )
    for t in tables.tables:
        probs = [p for p in t.problems if p.kind == "unreadable"]
        if cut_short(doc, t):  # the last row may have been cut in the middle: not a reading problem
            last = max((n for n, x in enumerate(doc.lines, 1) if x.strip()), default=0)
            probs = [p for p in probs if p.line != last]
        if not probs:
            continue
        parts = []
        for p in probs[:shown]:
            where = f"{doc.label(p.line)}" if p.line else ""
            row = f"“{t.row_label(p.row)}”" if p.row else ""
            parts.append(f"{where}{row}：{p.reason}" if where or row else p.reason)
        more = f"等 {len(probs)} 处" if len(probs) > shown else ""
        lines = [p.line for p in probs if p.line]
        yield Hit(
            message=f"表{t.number}“{t.title}”有读不准的地方，相关核对未进行：{'；'.join(parts)}{more}",
            suggestion="如需核对，请提供原始 Word/PDF 文件，或把表格各栏用制表符分开。",
            line=min(lines) if lines else t.line, end_line=max(lines) if lines else t.end_line,
            section=t.key,
            evidence={"table": t.key, "problems": [p.to_dict() for p in probs]},
        )
