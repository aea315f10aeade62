"""Batch summary tables: CSV (UTF-8 with BOM, for Excel), XLSX (openpyxl), decisions.csv and findings JSONL.

Renderers only lay out what ``textcheck.batch`` computed; they return bytes (``batch_output`` writes them).

Every cell that comes from a file name or report text is written as text, never as a formula
(OWASP, CSV injection): in the CSVs a value starting with ``= + - @``, tab or CR gets a leading
``'``; in the xlsx such a value is a string cell with Excel's quote prefix. Control characters
(ESC…) that xlsx cannot hold, and undecodable bytes of a file name, are shown escaped (``\\x1b``).
"""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

from textcheck.batch.decisions import COMMENT_HEADER, DECISION_HEADER, FP_HEADER, LABEL as DECISION_LABEL, SHEET
from textcheck.batch.review import region_summary
from textcheck.batch.score import score_band

LEVEL_LABEL = {"province": "省级", "city": "市级", "county": "县级", "township": "乡级"}
BASE_HEADER = ["文件", "发布机关", "层级", "年度", "得分", "状态", "省", "市", "县"]
TAIL_HEADER = ["与上年重复率", "上年报告", "抄袭比例", "雷同组", "错误", "警告", "提示", "待审核", "不采纳", "说明"]
ISSUES_HEADER = ["序号", "文件", "发布机关", "地区", "部分", "规则", "级别", "行号", "说明", "原文", "链接",
                 DECISION_HEADER, COMMENT_HEADER, FP_HEADER]
DECISIONS_HEADER = [FP_HEADER, DECISION_HEADER, COMMENT_HEADER, "文件", "发布机关", "规则", "级别", "说明", "原文"]
REGION_HEADER = ["省", "市", "县", "类别", "报告数", "平均得分", "最低分", "错误数", "与上年重复率超过阈值"]
REGION_KIND = {"county": "", "city": "", "province": "", "city-total": "市小计", "province-total": "省小计",
               "unplaced": "未能定位", "total": "合计"}

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|[\ud800-\udfff]")


def visible(text: str) -> str:
    """``text`` with control characters and lone surrogates (undecodable file-name bytes) escaped
    visibly: ESC -> ``\\x1b``."""
    def esc(m: re.Match[str]) -> str:
        ch = m.group()
        code = ord(ch)
        if 0xDC80 <= code <= 0xDCFF:  # surrogateescape: the original byte
            return f"\\x{code - 0xDC00:02x}"
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return _ILLEGAL.sub(esc, text)


def csv_text(value: Any) -> Any:
    """A CSV cell: text neutralised against formula injection, other values unchanged."""
    if not isinstance(value, str):
        return value
    value = visible(value)
    return "'" + value if value.startswith(_FORMULA_START) else value


def page_name(index: int, total: int) -> str:
    """The file name of report ``index``'s pages (reports/, review/, compare/): 001.html…"""
    width = max(3, len(str(total)))
    return f"{index + 1:0{width}d}.html"


def rule_label(rule_id: str) -> str:
    """A rule's short Chinese name (重复段落), the column header and the 问题清单's rule column."""
    from textcheck.rules import get_rule

    spec = get_rule(rule_id)
    return spec.label if spec else rule_id


def header(result) -> list[str]:
    return BASE_HEADER + [rule_label(r) for r in result.rule_ids] + TAIL_HEADER


def _pct(x: float | None) -> Any:
    return "" if x is None else x


def sorted_reports(result) -> list[tuple[int, dict[str, Any]]]:
    """(page index, report) lowest score first (the ones to look at), unscored last, then by path."""
    return sorted(enumerate(result.reports),
                  key=lambda kr: (kr[1]["score"] is None, kr[1]["score"] or 0.0, kr[1]["path"]))


def _row(r: dict[str, Any], result) -> list[Any]:
    reg = r.get("region") or {}
    decisions = [d for d, _ in r.get("decisions") or []]
    prev = r.get("previous") or {}
    return [
        r["path"],
        r["issuer"] or "",
        LEVEL_LABEL.get(r["level"] or "", r["level"] or ""),
        r["year"] if r["year"] is not None else "",
        r["score"] if r["score"] is not None else "",
        r["status_label"],
        reg.get("province", ""),
        reg.get("city", ""),
        reg.get("county", ""),
        *[r["counts"].get(rid, 0) if r["status"] != "unreadable" else "" for rid in result.rule_ids],
        _pct(r.get("prior_ratio")),
        prev.get("old_path", ""),
        r["copy_ratio"] if r["copy_ratio"] is not None else "",
        "、".join(r["groups"]),
        r["summary"]["error"],
        r["summary"]["warning"],
        r["summary"]["info"],
        sum(1 for d in decisions if d == "pending"),
        sum(1 for d in decisions if d == "dismissed"),
        r["error"] or "",
    ]


def rows(result) -> list[list[Any]]:
    return [_row(r, result) for _, r in sorted_reports(result)]


def _csv(head: list[str], body: list[list[Any]]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(head)
    w.writerows([csv_text(v) for v in row] for row in body)
    return b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8")


def render_csv(result) -> bytes:
    return _csv(header(result), rows(result))


def issue_rows(result, page_name) -> list[list[Any]]:
    """One row per finding of every checked report (the 问题清单), reports lowest score first."""
    from textcheck.parse import SECTION_TITLE

    out = []
    n = 0
    for k, r in sorted_reports(result):
        if r["status"] == "unreadable":
            continue
        reg = r.get("region") or {}
        where = "/".join(v for v in (reg.get("province"), reg.get("city"), reg.get("county")) if v)
        for f, fp, (decision, comment) in zip(r["findings"], r["fingerprints"], r["decisions"]):
            n += 1
            link = f"reports/{page_name(k, len(result.reports))}" + (f"#L{f.line}" if f.line else "")
            out.append([n, r["path"], r["issuer"] or "", where, SECTION_TITLE.get(f.section, f.section or "全文"),
                        rule_label(f.rule), f.severity.label, f.line or "", f.message, f.text or "", link,
                        DECISION_LABEL[decision], comment, fp])
    return out


def render_decisions_csv(result, page_name) -> bytes:
    body = [[row[13], row[11], row[12], row[1], row[2], row[5], row[6], row[8], row[9]]
            for row in issue_rows(result, page_name)]
    return _csv(DECISIONS_HEADER, body)


def _width(value: Any) -> int:
    s = str(value)
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in s)


def _put(ws, row: int, col: int, value: Any):
    """One cell; text is always a string cell (never a formula), shown as written."""
    if isinstance(value, str):
        value = visible(value)
        cell = ws.cell(row=row, column=col, value=value)
        cell.data_type = "s"
        if value.startswith(_FORMULA_START):
            cell.quotePrefix = True
        return cell
    return ws.cell(row=row, column=col, value=value)


def _sheet(ws, head: list[str], body: list[list[Any]], *, freeze: str = "B2", widths_from: int = 500,
           max_width: int = 60) -> None:
    """Header, rows, bold wrapped header, frozen panes, autofilter, column widths, print setup
    (landscape, fit to one page wide, header row repeated on every page)."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    for c, name in enumerate(head, 1):
        cell = _put(ws, 1, c, name)
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for r, row in enumerate(body, 2):
        for c, value in enumerate(row, 1):
            _put(ws, r, c, value)
    ws.freeze_panes = freeze
    ws.auto_filter.ref = f"A1:{get_column_letter(len(head))}{max(1, len(body) + 1)}"
    for idx, name in enumerate(head, 1):
        values = [name] + [row[idx - 1] for row in body[:widths_from]]
        width = max(_width(v) for v in values) + 2
        ws.column_dimensions[get_column_letter(idx)].width = max(6, min(max_width, width))
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"


def _fill(hex_colour: str):
    from openpyxl.styles import PatternFill

    return PatternFill(start_color=hex_colour, end_color=hex_colour, fill_type="solid")


def render_xlsx(result) -> bytes:
    from openpyxl import Workbook
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = "汇总"
    head = header(result)
    body = rows(result)
    _sheet(ws, head, body)
    score_col = head.index("得分") + 1
    ratio_col = head.index("抄袭比例") + 1
    prior_col = head.index("与上年重复率") + 1
    for row in ws.iter_rows(min_row=2):
        row[ratio_col - 1].number_format = "0.0%"
        row[prior_col - 1].number_format = "0.0%"
        cell = row[score_col - 1]
        cell.number_format = "0.0"
        band = score_band(cell.value if isinstance(cell.value, (int, float)) else None)
        if band:
            cell.fill = _fill(band[1])

    issues = wb.create_sheet(SHEET)
    ibody = issue_rows(result, page_name)
    _sheet(issues, ISSUES_HEADER, ibody, freeze="C2", max_width=50)
    link_col = ISSUES_HEADER.index("链接") + 1
    for r in range(2, len(ibody) + 2):
        cell = issues.cell(row=r, column=link_col)
        cell.hyperlink = cell.value
    if ibody:
        dv = DataValidation(type="list", formula1='"确认,不采纳"', allow_blank=True,
                            promptTitle="审核结论", prompt="确认 或 不采纳（空白为待审核）")
        col = ISSUES_HEADER.index(DECISION_HEADER) + 1
        from openpyxl.utils import get_column_letter

        dv.add(f"{get_column_letter(col)}2:{get_column_letter(col)}{len(ibody) + 1}")
        issues.add_data_validation(dv)

    regions = wb.create_sheet("按地区")
    rbody = [[row["province"], row["city"], row["county"], REGION_KIND[row["kind"]], row["reports"],
              row["average"], row["lowest"], row["errors"], row["carryover_over"]] for row in region_summary(result.reports)]
    _sheet(regions, REGION_HEADER, rbody, freeze="A2")
    from openpyxl.styles import Font

    for r, row in enumerate(rbody, 2):
        if row[3]:
            for c in range(1, len(REGION_HEADER) + 1):
                regions.cell(row=r, column=c).font = Font(bold=True)
        band = score_band(row[5])
        if band:
            regions.cell(row=r, column=6).fill = _fill(band[1])

    pairs = [(k, r) for k, r in sorted_reports(result) if r.get("previous")]
    if pairs:
        from textcheck.parse import SECTIONS

        years = wb.create_sheet("年度对照")
        yhead = ["文件", "发布机关", "年度", "上年报告", "与上年重复率"] + [title for _, title in SECTIONS] + ["照搬上年段落数", "对照页"]
        ybody = []
        for k, r in pairs:
            prev = r["previous"]
            by_key = {sec["key"]: sec for sec in prev.get("sections") or []}
            ybody.append([r["path"], r["issuer"] or "", r["year"] or "", prev["old_path"], _pct(prev.get("ratio")),
                          *[_pct((by_key.get(key) or {}).get("ratio")) for key, _ in SECTIONS],
                          prev.get("carried_paragraphs", 0), f"compare/{page_name(k, len(result.reports))}"])
        _sheet(years, yhead, ybody, max_width=40)
        for row in years.iter_rows(min_row=2, min_col=5, max_col=5 + len(SECTIONS)):
            for cell in row:
                cell.number_format = "0.0%"

    if result.expected:
        miss = wb.create_sheet("未提交")
        mbody = [[e["path"], u["name"], u["code"], f"{e['submitted']}/{e['expected']}"]
                 for e in result.expected for u in e["missing"]]
        _sheet(miss, ["地区", "未提交报告的单位", "区划代码", "已提交/应提交"], mbody, freeze="A2")

    # fixed workbook metadata: byte-identical reruns
    import datetime

    fixed = datetime.datetime(2000, 1, 1)
    wb.properties.created = fixed
    wb.properties.modified = fixed
    wb.properties.creator = "textcheck"
    buf = io.BytesIO()
    wb.save(buf)
    return _normalise_zip(buf.getvalue())


_MODIFIED = re.compile(rb"(<dcterms:modified\b[^>]*>)[^<]*(</dcterms:modified>)")


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite the xlsx zip with fixed member timestamps, and the fixed modification time that
    openpyxl's save() overwrites with the clock, so identical input gives identical bytes."""
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = info.external_attr
            member = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                member = _MODIFIED.sub(rb"\g<1>2000-01-01T00:00:00Z\g<2>", member)
            dst.writestr(zi, member)
    return out.getvalue()


def render_jsonl(result) -> bytes:
    return b"".join(jsonl_chunks(result))


def jsonl_chunks(result):
    """findings.jsonl piece by piece (one report's findings at a time): never held whole in memory."""
    for r in result.reports:
        if r["status"] == "unreadable":
            continue
        lines = []
        for f, fp, (decision, comment) in zip(r["findings"], r["fingerprints"], r["decisions"]):
            d = f.to_dict()
            d["path"] = r["path"]
            d["fingerprint"] = fp
            d["review"] = {"decision": decision, "comment": comment}
            lines.append(json.dumps(d, ensure_ascii=False, sort_keys=False) + "\n")
        if lines:
            yield "".join(lines).encode("utf-8")
