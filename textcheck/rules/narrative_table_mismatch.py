"""narrative-table-mismatch: a count stated in the text that contradicts the statutory table."""

from __future__ import annotations

import re

from textcheck.analysis.tables import Tables, excerpt
from textcheck.document import Document
from textcheck.finding import Related
from textcheck.rules import Context, Hit, rule

_NUM = r"(\d+)"
_APPLY = re.compile(r"(?:收到|受理|新收|接收)(?:各类|群众|公众|社会公众)?(?:政府信息公开|信息公开|依申请公开(?:政府信息)?)?(?:的)?"
                    r"申请(?:共计|共|总计|合计)?" + _NUM + r"件")
_REVIEW = re.compile(r"(?:政府信息公开)?(?:类|方面的?)?行政复议(?:案件|申请)?(?:共计|共)?" + _NUM + r"(?:件|起)")
_SUIT = re.compile(r"(?:政府信息公开)?(?:类|方面的?)?行政诉讼(?:案件)?(?:共计|共)?" + _NUM + r"(?:件|起)")
_NONE = re.compile(r"(?:未发生|没有发生|未出现|无)[^。；;，,]{0,16}?(行政复议|行政诉讼)(?:[、和及]行政诉讼)?")
_CHANNEL = re.compile(r"(当面|传真|电子邮件|网上|网络|信函)申请(?:数)?" + _NUM + r"(?:条|件)")
_CHANNEL_ROW = {"当面": "in_person", "传真": "by_fax", "电子邮件": "by_email", "网上": "online", "网络": "online",
                "信函": "by_letter"}
# words before the count that make it a part, another body, another year or a comparison
_SUBSET = re.compile(r"其中|代表|代为|转办|本级|部门|乡镇|街道|镇村|社区|区直|县直|市直|上年|去年|同比|较上|比上|累计|历年")
_SECTIONS = ("overview", "requests", "review")


def _blocks(doc: Document):
    """The running text that reports counts: 总体情况 and the 申请 and 复议诉讼 sections; all of the running
    text when none of them was found (a body the parser could not divide)."""
    found = [b for key in _SECTIONS for b in doc.section_body(key)]
    return found if any(doc.section(k) for k in _SECTIONS) else doc.narrative()


def _stated(doc: Document):
    """(block, kind, value, the words stating it) for each count the running text states."""
    for b in _blocks(doc):
        text = "".join(b.text.split())
        for kind, pat in (("requests", _APPLY), ("review", _REVIEW), ("litigation", _SUIT)):
            for m in pat.finditer(text):
                before = text[max(0, m.start() - 14) : m.start()]
                clause = re.split(r"[。；;，,]", before)[-1]
                if _SUBSET.search(clause) or _SUBSET.search(m.group(0)):
                    continue
                yield b, kind, int(m.group(1)), m.group(0)
        for m in _NONE.finditer(text):
            kinds = ["review" if m.group(1) == "行政复议" else "litigation"]
            if "行政诉讼" in m.group(0) and kinds[0] == "review":
                kinds.append("litigation")
            for k in kinds:
                yield b, k, 0, m.group(0)
        for m in _CHANNEL.finditer(text):
            clause = re.split(r"[。；;，,]", text[max(0, m.start() - 8) : m.start()])[-1]
            if not _SUBSET.search(clause):
                yield b, "channel:" + _CHANNEL_ROW[m.group(1)], int(m.group(2)), m.group(0)


def _table_value(tables: Tables, kind: str):
    """(value, cells, what the table calls it) for a stated kind of count, or None when not read."""
    req, rev = tables.get("requests"), tables.get("review")
    if kind == "requests" and req:
        col = "total" if tables.template != "2017" else "annual"
        row = "new_received" if tables.template != "2017" else "received"
        c = req.cell(row, col)
        if c and c.status == "number":
            extra = req.cell("carried_in", "total")
            alt = c.value + extra.value if extra and extra.status == "number" else None
            return c.value, [c], f"表{req.number}“{req.row_label(row)}”", alt
    if kind == "review" and rev:
        c = rev.cell("administrative_review", "total" if tables.template != "2017" else "annual")
        if c and c.status == "number":
            return c.value, [c], f"表{rev.number}“行政复议”的总计", None
    if kind == "litigation" and rev:
        if tables.template == "2017":
            c = rev.cell("litigation", "annual")
            if c and c.status == "number":
                return c.value, [c], f"表{rev.number}“行政诉讼数”", None
            return None
        cs = [rev.cell("litigation_direct", "total"), rev.cell("litigation_after_review", "total")]
        if all(c and c.status == "number" for c in cs):
            return sum(c.value for c in cs), cs, f"表{rev.number}行政诉讼（未经复议直接起诉与复议后起诉）的总计", None
    if kind.startswith("channel:") and req and tables.template == "2017":
        row = kind.split(":", 1)[1]
        c = req.cell(row, "annual") or req.cell(row, "value")
        if c and c.status == "number":
            return c.value, [c], f"统计表“{req.row(row).written or req.row_label(row)}”", None
    return None


@rule(
    "narrative-table-mismatch",
    name="正文与表不符",
    severity="warning",
    summary="正文中写的申请数、行政复议或行政诉讼件数与统计表不一致",
    category="tables",
)
def narrative_table_mismatch(doc: Document, ctx: Context):
    """What：总体情况及依申请公开、复议诉讼部分的正文写明“收到政府信息公开申请N件”“行政复议N件”
    “行政诉讼N件”（或“未发生行政复议”），而统计表中对应的数（本年新收总计、行政复议总计、两类行政诉讼
    总计之和）不同；2019 年以前的统计表还核对正文写的各申请方式件数。同时指出正文和表格两处及各自的数。
    正文的数等于“本年新收 + 上年结转”时不报。

    不报：说的是部分或别的范围的句子（其中、本级、部门、乡镇、代表…受理、转办）、上年或累计的数、
    同比比较；表格读不准的数。只报“警告”，不报“错误”：正文可能有意说别的口径。

    Why：正文和表格说同一件事却数字不同，读者无从判断哪个对，是审核中常见的扣分点。

    Example：总体情况写“全年共受理政府信息公开申请26件”，表三“本年新收”总计为 24。
    """
    tables = ctx.tables(doc)
    seen = set()
    for block, kind, stated, said in _stated(doc):
        found = _table_value(tables, kind)
        if found is None:
            continue
        value, cells, what, alt = found
        if stated == value or (alt is not None and stated == alt):
            continue
        key = (kind, stated, block.line)
        if key in seen:
            continue
        seen.add(key)
        first = cells[0]
        yield Hit(
            message=f"正文写“{said}”，但{what}为 {value}（{doc.label(first.line)}）",
            suggestion="核对正文与统计表，两处说同一个数时应一致；口径不同的请在正文写明范围。",
            line=block.line, end_line=block.end_line, text=said, section=block.section,
            confidence=0.7,
            related=(Related(line=first.line, end_line=first.line, text=excerpt(doc.norm_lines, cells),
                             section=tables.get("review" if kind in ("review", "litigation") else "requests").key),),
            evidence={"kind": kind, "stated": stated, "table": value,
                      "cells": [{"row": c.row, "column": c.column, "line": c.line} for c in cells]},
        )
