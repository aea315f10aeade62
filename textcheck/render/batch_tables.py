"""Batch summary tables: CSV (UTF-8 with BOM, for Excel), XLSX (openpyxl) and findings JSONL.

Renderers only lay out what ``textcheck.batch`` computed; they return bytes (``batch_output`` writes them).
"""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

LEVEL_LABEL = {"province": "省级", "city": "市级", "county": "县级", "township": "乡级"}
BASE_HEADER = ["文件", "发布机关", "层级", "年度", "得分", "状态"]
TAIL_HEADER = ["抄袭比例", "雷同组", "错误", "警告", "提示", "说明"]


def rule_label(rule_id: str) -> str:
    """A rule's short Chinese name (重复段落), the column header and the 问题清单's rule column."""
    from textcheck.rules import get_rule

    spec = get_rule(rule_id)
    return spec.label if spec else rule_id


def header(result) -> list[str]:
    return BASE_HEADER + [rule_label(r) for r in result.rule_ids] + TAIL_HEADER


def rows(result) -> list[list[Any]]:
    out = []
    for r in result.reports:
        out.append(
            [
                r["path"],
                r["issuer"] or "",
                LEVEL_LABEL.get(r["level"] or "", r["level"] or ""),
                r["year"] if r["year"] is not None else "",
                r["score"] if r["score"] is not None else "",
                r["status_label"],
                *[r["counts"].get(rid, 0) if r["status"] != "unreadable" else "" for rid in result.rule_ids],
                r["copy_ratio"] if r["copy_ratio"] is not None else "",
                "、".join(r["groups"]),
                r["summary"]["error"],
                r["summary"]["warning"],
                r["summary"]["info"],
                r["error"] or "",
            ]
        )
    return out


def render_csv(result) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header(result))
    w.writerows(rows(result))
    return b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8")


def _width(value: Any) -> int:
    s = str(value)
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in s)


def render_xlsx(result) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "汇总"
    head = header(result)
    body = rows(result)
    ws.append(head)
    for row in body:
        ws.append(row)
    bold = Font(bold=True)
    for cell in ws[1]:
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(head))}{ws.max_row}"
    score_col = head.index("得分") + 1
    ratio_col = head.index("抄袭比例") + 1
    for row in ws.iter_rows(min_row=2):
        row[ratio_col - 1].number_format = "0.0%"
        row[score_col - 1].number_format = "0.0"
    for idx, name in enumerate(head, 1):
        values = [name] + [r[idx - 1] for r in body[:500]]
        width = max(_width(v) for v in values) + 2
        ws.column_dimensions[get_column_letter(idx)].width = max(6, min(60, width))
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
    lines = []
    for r in result.reports:
        if r["status"] == "unreadable":
            continue
        for f in r["findings"]:
            d = f.to_dict()
            d["path"] = r["path"]
            lines.append(json.dumps(d, ensure_ascii=False, sort_keys=False))
    return ("\n".join(lines) + ("\n" if lines else "")).encode("utf-8")
