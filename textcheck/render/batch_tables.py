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
import itertools
import json
import re
from typing import Any, Callable, Iterable, Iterator

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
    if "pending" in r:  # a batch row: the counts, without reading the report's decisions
        pending, dismissed = r["pending"], r["dismissed"]
    else:
        decisions = [d for d, _ in r.get("decisions") or []]
        pending, dismissed = decisions.count("pending"), decisions.count("dismissed")
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
        pending,
        dismissed,
        r["error"] or "",
    ]


def rows(result) -> Iterator[list[Any]]:
    """The summary rows, lowest score first (one at a time)."""
    for _, r in sorted_reports(result):
        yield _row(r, result)


def csv_chunks(head: list[str], body: Iterable[list[Any]], rows_per_chunk: int = 1000) -> Iterator[bytes]:
    """A CSV (UTF-8 with BOM, CRLF) piece by piece: never held whole in memory."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(head)
    yield b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8")
    for chunk in iter(lambda: list(itertools.islice(body, rows_per_chunk)), []):
        buf.seek(0)
        buf.truncate()
        w.writerows([csv_text(v) for v in row] for row in chunk)
        yield buf.getvalue().encode("utf-8")


def _csv(head: list[str], body: Iterable[list[Any]]) -> bytes:
    return b"".join(csv_chunks(head, iter(body)))


def render_csv(result) -> bytes:
    return _csv(header(result), rows(result))


def summary_csv_chunks(result) -> Iterator[bytes]:
    return csv_chunks(header(result), rows(result))


def issue_rows(result, page_name) -> Iterator[list[Any]]:
    """One row per finding of every checked report (the 问题清单), reports lowest score first; one
    report's findings read at a time."""
    from textcheck.parse import SECTION_TITLE

    n = 0
    for k, r in sorted_reports(result):
        if r["status"] == "unreadable":
            continue
        reg = r.get("region") or {}
        where = "/".join(v for v in (reg.get("province"), reg.get("city"), reg.get("county")) if v)
        for f, fp, (decision, comment) in zip(r["findings"], r["fingerprints"], r["decisions"]):
            n += 1
            link = f"reports/{page_name(k, len(result.reports))}" + (f"#L{f.line}" if f.line else "")
            yield [n, r["path"], r["issuer"] or "", where, SECTION_TITLE.get(f.section, f.section or "全文"),
                   rule_label(f.rule), f.severity.label, f.line or "", f.message, f.text or "", link,
                   DECISION_LABEL[decision], comment, fp]


def _decision_rows(result, page_name) -> Iterator[list[Any]]:
    for row in issue_rows(result, page_name):
        yield [row[13], row[11], row[12], row[1], row[2], row[5], row[6], row[8], row[9]]


def render_decisions_csv(result, page_name) -> bytes:
    return _csv(DECISIONS_HEADER, _decision_rows(result, page_name))


def decisions_csv_chunks(result, page_name) -> Iterator[bytes]:
    return csv_chunks(DECISIONS_HEADER, _decision_rows(result, page_name))


def _width(value: Any) -> int:
    s = str(value)
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in s)


def _cell(ws, value: Any, **style: Any):
    """One write-only cell; text is always a string cell (never a formula), shown as written."""
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, str):
        value = visible(value)
        cell = WriteOnlyCell(ws, value=value)
        cell.data_type = "s"
        if value.startswith(_FORMULA_START):
            cell.quotePrefix = True
    else:
        cell = WriteOnlyCell(ws, value=value)
    for name, v in style.items():
        if v is not None:
            setattr(cell, name, v)
    return cell


def _sheet(ws, head: list[str], body: Iterable[list[Any]], *, freeze: str = "B2", widths_from: int = 500,
           max_width: int = 60, style: Callable[[int, list[Any]], dict[int, dict[str, Any]]] | None = None,
           ) -> int:
    """Header, rows, bold wrapped header, frozen panes, autofilter, column widths (from the first
    ``widths_from`` rows), print setup (landscape, fit to one page wide, header row repeated on every
    page). Rows are streamed (openpyxl write-only mode): ``style(row_number, row)`` gives the styles
    of some of its cells ({column index from 0: {attribute: value}}). Returns the number of rows."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    body = iter(body)
    first = list(itertools.islice(body, widths_from))
    ws.freeze_panes = freeze
    for idx, name in enumerate(head, 1):
        values = [name] + [row[idx - 1] for row in first]
        width = max(_width(v) for v in values) + 2
        ws.column_dimensions[get_column_letter(idx)].width = max(6, min(max_width, width))
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    bold = Font(bold=True)
    top = Alignment(wrap_text=True, vertical="top")
    ws.append([_cell(ws, name, font=bold, alignment=top) for name in head])
    n = 0
    for n, row in enumerate(itertools.chain(first, body), 1):
        extra = style(n + 1, row) if style else {}
        ws.append([_cell(ws, v, **extra.get(c, {})) for c, v in enumerate(row)])
    ws.auto_filter.ref = f"A1:{get_column_letter(len(head))}{max(1, n + 1)}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = "1:1"
    return n


def _fill(hex_colour: str):
    from openpyxl.styles import PatternFill

    return PatternFill(start_color=hex_colour, end_color=hex_colour, fill_type="solid")


def render_xlsx(result) -> bytes:
    """summary.xlsx, written row by row (openpyxl write-only mode: a national batch's workbook is
    never held as cell objects in memory)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook(write_only=True)
    fills: dict[str, Any] = {}

    def band_fill(value: Any):
        band = score_band(value if isinstance(value, (int, float)) and not isinstance(value, bool) else None)
        if not band:
            return None
        return fills.setdefault(band[1], _fill(band[1]))

    ws = wb.create_sheet("汇总")
    head = header(result)
    score_col = head.index("得分")
    ratio_col = head.index("抄袭比例")
    prior_col = head.index("与上年重复率")

    def summary_style(_n: int, row: list[Any]) -> dict[int, dict[str, Any]]:
        return {ratio_col: {"number_format": "0.0%"}, prior_col: {"number_format": "0.0%"},
                score_col: {"number_format": "0.0", "fill": band_fill(row[score_col])}}

    _sheet(ws, head, rows(result), style=summary_style)

    issues = wb.create_sheet(SHEET)
    link_col = ISSUES_HEADER.index("链接")

    def link_style(_n: int, row: list[Any]) -> dict[int, dict[str, Any]]:
        return {link_col: {"hyperlink": row[link_col]}}

    n_issues = _sheet(issues, ISSUES_HEADER, issue_rows(result, page_name), freeze="C2", max_width=50,
                      style=link_style)
    if n_issues:
        dv = DataValidation(type="list", formula1='"确认,不采纳"', allow_blank=True,
                            promptTitle="审核结论", prompt="确认 或 不采纳（空白为待审核）")
        col = get_column_letter(ISSUES_HEADER.index(DECISION_HEADER) + 1)
        dv.add(f"{col}2:{col}{n_issues + 1}")
        issues.data_validations.append(dv)

    regions = wb.create_sheet("按地区")
    rbody = [[row["province"], row["city"], row["county"], REGION_KIND[row["kind"]], row["reports"],
              row["average"], row["lowest"], row["errors"], row["carryover_over"]] for row in region_summary(result.reports)]
    bold = Font(bold=True)

    def region_style(_n: int, row: list[Any]) -> dict[int, dict[str, Any]]:
        out: dict[int, dict[str, Any]] = {c: {"font": bold} for c in range(len(REGION_HEADER))} if row[3] else {}
        fill = band_fill(row[5])
        if fill is not None:
            out.setdefault(5, {})["fill"] = fill
        return out

    _sheet(regions, REGION_HEADER, rbody, freeze="A2", style=region_style)

    if any(r.get("previous") for r in result.reports):
        from textcheck.parse import SECTIONS

        years = wb.create_sheet("年度对照")
        yhead = ["文件", "发布机关", "年度", "上年报告", "与上年重复率"] + [title for _, title in SECTIONS] + ["照搬上年段落数", "对照页"]

        def year_rows():
            for k, r in sorted_reports(result):
                prev = r.get("previous")
                if not prev:
                    continue
                by_key = {sec["key"]: sec for sec in prev.get("sections") or []}
                yield [r["path"], r["issuer"] or "", r["year"] or "", prev["old_path"], _pct(prev.get("ratio")),
                       *[_pct((by_key.get(key) or {}).get("ratio")) for key, _ in SECTIONS],
                       prev.get("carried_paragraphs", 0), f"compare/{page_name(k, len(result.reports))}"]

        pct = {c: {"number_format": "0.0%"} for c in range(4, 5 + len(SECTIONS))}
        _sheet(years, yhead, year_rows(), max_width=40, style=lambda _n, _row: pct)

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
    from textcheck.output import fixed_zip

    def core(name: str, member: bytes) -> bytes:
        return _MODIFIED.sub(rb"\g<1>2000-01-01T00:00:00Z\g<2>", member) if name == "docProps/core.xml" else member

    return fixed_zip(data, (2000, 1, 1, 0, 0, 0), core)


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
