"""The three statutory tables of a report, read into named cells.

Tables 二 主动公开政府信息情况, 三 收到和处理政府信息公开申请情况 and 四 行政复议、行政诉讼情况
(and, for reports before 2019, the matching rows of the 政府信息公开情况统计表) are read from the
document's lines whatever their layout: tab rows (docx, HTML, PDF readers), pipe rows (Markdown,
``|---|`` rules), one cell per line, cells run together on one line (crawler text), row labels
standing apart from their numbers (PDF-to-Markdown). Each cell has a row key and a column key
(``requests`` × ``new_received`` × ``natural_person``), its text as written, its number (or
blank / not a number), and the line it was read from. Where a layout cannot be read exactly, the
reader says what and why (``Problem``) and leaves the cell out rather than guess. See docs/tables.md.

The template (2017 statistical table, 2019 or 2021 format) is chosen from the labels the document
uses; the one expected for the report year is given beside it. Row and column labels, and the
relations the format states, are data: ``corpora/tables.toml``.

This module is the interface: ``read_tables`` and ``tables_of`` (a parsed ``Document``), the data model
(``_table_model``: ``Tables``, ``Table``, ``Row``, ``Cell``, ``Problem``, the templates, ``checks``), and the
reading itself (``_table_read``, on the cells of ``_table_text``, cutting run-together digits with
``_table_split``).
"""

from __future__ import annotations

from typing import Mapping, Sequence

from textcheck.analysis._table_model import (
    Cell, Check, Column, GroupSpec, Problem, Relation, Row, RowSpec, Table, Tables, TableSpec, Template,
    TABLE_KEYS, checks, excerpt, expected_template, parse_templates, templates,
)
from textcheck.analysis._table_read import read_document
from textcheck.document import Document

__all__ = [
    "Cell", "Check", "Column", "GroupSpec", "Problem", "Relation", "Row", "RowSpec", "Table", "Tables",
    "TableSpec", "Template", "TABLE_KEYS", "checks", "excerpt", "expected_template", "parse_templates",
    "cut_short", "read_tables", "tables_of", "templates",
]

_SECTION_INDEX = {"active": 2, "requests": 3, "review": 4}


def read_tables(
    lines: Sequence[str],
    norm_lines: Sequence[str],
    year: int | None,
    sections: Mapping[str, tuple[int, int]] | None = None,
    available: Mapping[str, Template] | None = None,
) -> Tables:
    """Read the statutory tables of a document.

    ``lines``/``norm_lines``: the document's original and normalised lines (one per input line,
    cells separated by tabs where the reader found cells). ``sections``: optional line ranges
    (1-based, inclusive) of the sections ``active``/``requests``/``review`` where known; the
    tables are looked for there first."""
    return read_document(lines, norm_lines, year, sections or {}, available or templates())


def tables_of(doc: Document) -> Tables:
    """The tables of a parsed report (its year and section ranges as the parser found them)."""
    sections = {s.key: (s.line, s.end_line) for s in doc.sections}
    return read_tables(doc.lines, doc.norm_lines, doc.identity.year, sections)


def cut_short(doc: Document, table: Table) -> bool:
    """True when the document seems to end inside or right after ``table``: no later section of
    the report follows it (every report goes on to 五 and 六), so what is missing may have been cut."""
    index = _SECTION_INDEX.get(table.key)
    if index is None:
        return False
    after = table.end_line or table.line or 0
    return not any(s.index > index and s.line > after for s in doc.sections)
