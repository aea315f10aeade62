"""Does the file end before the report does? (a page saved or copied only in part, a cut-off export)

``find_cut(doc)`` returns a ``Cut`` when the text ends
- in the middle of a sentence: the last paragraph stops without a full stop (and is not a signature, a
  date, an attachment line or a short ``无`` statement);
- in the middle of a table: its last row has fewer cells than the rows above it, or is a stray fragment;
- or its structure stops: the parts after the last one present are all missing (at least
  ``min_missing_parts`` of them, e.g. only 一、总体情况 is there).
Parts (and subtopics of 总体情况) missing after a cut are not a drafter's omission: the rules that report
them lower their severity and say so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from textcheck.document import BlockKind, Document

_END = re.compile(r"[。！？!?；;…\"”’」』)）】》]$")
_DATE = re.compile(r"^\d{4}\s*[年.\-/]\s*\d{1,2}\s*[月.\-/]\s*\d{1,2}\s*日?$")
_DATE_END = re.compile(r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$")  # a signature fused with its date
_ORG = re.compile(r"(?:人民政府|政府|办公室|办公厅|局|委员会|委|办事处|管委会|管理委员会|街道|镇|乡|中心|小组|领导小组)$")
_NOTHING_END = re.compile(r"(?:无|没有)[^，,。；;]{0,12}$")  # 本年度无 / 无其他需要报告的事项: a complete statement
_TABLE_PARTS = frozenset({"active", "requests", "review", "fees", "stats"})
_NOT_A_CUT = re.compile(r"^(?:附件|附表|注[:：]|备注|无|此件|（此件|\(此件)")


@dataclass(frozen=True)
class Cut:
    line: int  # the last line of text
    kind: str  # mid-sentence | mid-table | structure
    text: str  # the words the text ends with
    last_part: str | None  # the part (section key) the text ends in


def _cells(raw_line: str) -> int:
    if "\t" in raw_line:
        return len(raw_line.rstrip("\t").split("\t"))
    if "|" in raw_line:
        return len([c for c in raw_line.strip().strip("|").split("|")])
    return 1


def _table_cut(doc: Document, block) -> bool:
    rows = [doc.lines[n - 1] for n in range(block.line, block.end_line + 1) if doc.lines[n - 1].strip()]
    if len(rows) < 2:
        return False
    last, before = rows[-1].strip(), rows[-2].strip()
    if "|" in before and before.endswith("|") and not last.endswith("|") and "|" not in last[-3:]:
        return True  # a pipe row that stops before its closing bar
    n_last, n_before = _cells(last), _cells(before)
    return n_before >= 4 and n_last < n_before and ("|" in last or "\t" in last)


def find_cut(doc: Document, required: tuple[str, ...], min_missing_parts: int = 3) -> Cut | None:
    """Where the text stops short, or None. ``required``: the section keys the report's format has, in order."""
    blocks = [b for b in doc.blocks if b.text.strip()]
    if not blocks:
        return None
    last = blocks[-1]
    tail = last.text.strip().splitlines()[-1].strip()
    # a table's cells run together (crawler text: …行政复议数件00行政诉讼数件00), not a sentence
    table_residue = tail[-1:].isdigit() and (
        last.section in _TABLE_PARTS or sum(ch.isdigit() for ch in tail[-20:]) >= 6
    )
    if last.kind is BlockKind.PARAGRAPH and len(tail) >= 4 and not _END.search(tail) and not table_residue:
        if not (_DATE.match(tail) or _DATE_END.search(tail) or (_ORG.search(tail) and len(tail) <= 30)
                or _NOT_A_CUT.match(tail) or _NOTHING_END.search(tail)):
            return Cut(line=last.end_line, kind="mid-sentence", text=tail[-20:], last_part=last.section)
    if last.kind is BlockKind.TABLE and _table_cut(doc, last):
        return Cut(line=last.end_line, kind="mid-table", text=tail[-20:], last_part=last.section)
    present = [k for k in required if doc.section(k)]
    if present:
        after = required[required.index(present[-1]) + 1 :]
        if len(after) >= min_missing_parts and not any(doc.section(k) for k in after):
            return Cut(line=last.end_line, kind="structure", text=tail[-20:], last_part=present[-1])
    return None
