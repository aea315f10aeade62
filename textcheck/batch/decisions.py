"""The reviewer's decisions on findings, carried from one batch run to the next.

Every finding gets a stable fingerprint: rule + unit (``units.unit_key``, else the file) + the
normalised offending text (``text.comparable``; the message with its numbers masked when a finding
quotes no text) — not line numbers, so the fingerprint survives edits elsewhere in the report and a
rerun, and changes when the offending text itself changes. A report with two findings of the same
fingerprint numbers them (``…#2``).

Decisions are read from the 问题清单 sheet of a ``summary.xlsx`` (as written, edited and given back),
or from a ``decisions.csv``: a fingerprint column (指纹) and 审核结论 (确认 / 不采纳, empty = pending)
and 审核意见. Dismissed findings (不采纳) stay in the lists, marked, and do not count in the score.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from pathlib import Path
from typing import Any, Iterable

from textcheck.errors import InputError
from textcheck.finding import Finding
from textcheck.text import comparable

CONFIRMED, DISMISSED, PENDING = "confirmed", "dismissed", "pending"
LABEL = {CONFIRMED: "确认", DISMISSED: "不采纳", PENDING: ""}
_READ = {"确认": CONFIRMED, "采纳": CONFIRMED, "是": CONFIRMED, "不采纳": DISMISSED, "误报": DISMISSED,
         "否": DISMISSED, "confirmed": CONFIRMED, "dismissed": DISMISSED}
SHEET = "问题清单"
FP_HEADER, DECISION_HEADER, COMMENT_HEADER = "指纹", "审核结论", "审核意见"
_DIGITS = re.compile(r"\d+")


def fingerprint(f: Finding, unit: str | None, path: str) -> str:
    """rule + unit + normalised offending text, hashed (16 hex digits)."""
    text = comparable(f.text or "")
    if not text:
        text = "msg:" + _DIGITS.sub("#", comparable(f.message))
    blob = "\x1f".join((f.rule, unit or ("path:" + path), text))
    return hashlib.sha256(blob.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def fingerprints(findings: Iterable[Finding], unit: str | None, path: str) -> list[str]:
    """One fingerprint per finding, in order; repeated ones numbered #2, #3…"""
    seen: dict[str, int] = {}
    out = []
    for f in findings:
        fp = fingerprint(f, unit, path)
        seen[fp] = seen.get(fp, 0) + 1
        out.append(fp if seen[fp] == 1 else f"{fp}#{seen[fp]}")
    return out


def _parse(value: Any) -> str:
    text = str(value or "").strip()
    return _READ.get(text, _READ.get(text.lower(), PENDING))


def _rows_to_decisions(rows: list[list[Any]], source: str) -> tuple[dict[str, tuple[str, str]], int]:
    """Header row + data rows -> ({fingerprint: (decision, comment)}, unknown decision values)."""
    if not rows:
        raise InputError(f"{source}：没有内容", path=source)
    head = [str(c or "").strip() for c in rows[0]]
    if FP_HEADER not in head or DECISION_HEADER not in head:
        raise InputError(f"{source}：找不到“{FP_HEADER}”和“{DECISION_HEADER}”两列"
                         f"（应使用 textcheck batch 写出的“{SHEET}”表或 decisions.csv）", path=source)
    fp_col, dec_col = head.index(FP_HEADER), head.index(DECISION_HEADER)
    com_col = head.index(COMMENT_HEADER) if COMMENT_HEADER in head else None
    out: dict[str, tuple[str, str]] = {}
    unknown = 0
    for row in rows[1:]:
        cells = list(row) + [None] * (len(head) - len(row))
        fp = str(cells[fp_col] or "").strip()
        if not fp:
            continue
        raw = str(cells[dec_col] or "").strip()
        decision = _parse(raw)
        if raw and decision == PENDING:
            unknown += 1
        comment = str(cells[com_col] or "").strip() if com_col is not None else ""
        if decision != PENDING or comment:
            out[fp] = (decision, comment)
    return out, unknown


def load_decisions(path: str | Path) -> tuple[dict[str, tuple[str, str]], int]:
    """Decisions from an xlsx (sheet 问题清单) or a CSV: ({fingerprint: (decision, comment)}, number of
    rows whose 审核结论 is neither 确认 nor 不采纳). ``InputError`` (Chinese) when unreadable."""
    p = Path(path)
    source = str(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"{source}：无法读取审核结论文件（{exc.strerror or exc}）", path=source) from exc
    if p.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        try:
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a bad file
            raise InputError(f"{source}：不是可以读取的 Excel 文件", path=source) from exc
        if SHEET not in wb.sheetnames:
            raise InputError(f"{source}：没有“{SHEET}”工作表（应使用 textcheck batch 写出的 summary.xlsx）", path=source)
        rows = [list(r) for r in wb[SHEET].iter_rows(values_only=True)]
        wb.close()
        return _rows_to_decisions(rows, source)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")  # saved again by Excel on a Chinese Windows
        except UnicodeDecodeError as exc:
            raise InputError(f"{source}：无法识别的文字编码（请保存为 UTF-8 的 CSV）", path=source) from exc
    return _rows_to_decisions([r for r in csv.reader(io.StringIO(text))], source)


def decide(fps: list[str], decisions: dict[str, tuple[str, str]] | None) -> list[tuple[str, str]]:
    """(decision, comment) per fingerprint: what the reviewer said, or pending."""
    decisions = decisions or {}
    return [decisions.get(fp, (PENDING, "")) for fp in fps]
