"""table-template: the tables of a report on a superseded format, or missing rows of the format."""

from __future__ import annotations

from textcheck.analysis.tables import cut_short
from textcheck.document import Document
from textcheck.rules import Context, Hit, rule


@rule(
    "table-template",
    name="统计表旧格式",
    severity="warning",
    summary="统计表使用了旧版格式，或缺少格式规定的行",
    category="tables",
)
def table_template(doc: Document, ctx: Context):
    """What：2021 年度及以后的报告仍使用 2019 年版（国办公开办函〔2019〕60号）或更早的统计表格式（应按
    国办公开办函〔2021〕30号）；或表格缺少格式规定的行（如 2021 年版“（六）其他处理”应分 3 项，只写了一行）。

    不报：报告年度不明时的格式新旧；用文字叙述代替表格的部分、没有找到的表格（由 table-unreadable 说明）；
    2019 年以前的统计表（各地格式不一，不核对行）；文件在表格处就结束了（表格之后没有后面的部分，可能是
    截断的文件，由 truncated-input 说明）时缺少的行。

    Why：格式规定了年度报告的表格；旧格式或缺行使数据无法与其他单位、其他年度对照，也是审核扣分项。

    Example：2022 年度报告的“主动公开政府信息情况”表仍是“本年新制作数量、本年新公开数量、对外公开总数量”。
    """
    tables = ctx.tables(doc)
    if tables.template and tables.expected == "2021" and tables.template != "2021":
        first = min((t.line for t in tables.tables if t.line), default=None)
        yield Hit(
            message=f"{tables.year}年度报告应使用 2021 年版格式的统计表（国办公开办函〔2021〕30号），本报告的表格是"
                    f"{tables.template_name}",
            suggestion="按 2021 年版格式重新填写三张统计表（如主动公开表为“本年制发件数、本年废止件数、现行有效件数”）。",
            line=first, end_line=first, section=None,
            evidence={"template": tables.template, "expected": tables.expected},
        )
    for t in tables.tables:
        if not t.missing or t.layout == "narrative" or not t.readable or cut_short(doc, t):
            continue
        labels = [t.row_label(k) for k in t.missing]
        replaced = ""
        if {"other_no_correction", "other_no_fee", "other_misc"} <= set(t.missing) and t.row("other") and t.row("other").cells:
            replaced = "（“（六）其他处理”只填了一行，2021 年版格式分为 3 项）"
        shown = "、".join(f"“{x}”" for x in labels[:6]) + (f"等 {len(labels)} 行" if len(labels) > 6 else "")
        yield Hit(
            message=f"表{t.number}“{t.title}”缺少格式规定的{shown}{replaced}",
            suggestion="按格式补齐这些行，没有数据的填“0”。",
            line=t.line, end_line=t.end_line, section=t.key, confidence=0.9,
            evidence={"table": t.key, "missing": list(t.missing), "template": t.template},
        )
