"""The data model of the table reader (see ``textcheck.analysis.tables``): templates, cells, rows,
tables, and the relations checked on them. About 400 lines of plain frozen dataclasses with their
``to_dict`` and the relation checks, kept together because every part names the others."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Mapping, Sequence

from textcheck.resources import corpus_toml

TABLE_KEYS = ("active", "requests", "review")


# ---------------------------------------------------------------------------------------------
# templates (read from corpora/tables.toml)


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "count"  # count | signed | amount
    unit: str = ""


@dataclass(frozen=True)
class RowSpec:
    key: str
    label: str
    match: str
    group: bool = False
    alternative: bool = False


@dataclass(frozen=True)
class Relation:
    kind: str  # sum | balance | le
    axis: str  # row | column
    label: str
    total: str = ""
    parts: tuple[str, ...] = ()
    either: tuple[tuple[str, ...], ...] = ()
    left: tuple[str, ...] = ()
    right: tuple[str, ...] = ()
    small: str = ""
    large: str = ""
    resolve: bool = False
    parts_label: str = ""


@dataclass(frozen=True)
class GroupSpec:
    key: str
    caption: str
    columns: tuple[Column, ...]
    rows: tuple[RowSpec, ...]
    relations: tuple[Relation, ...] = ()
    cumulative_columns: tuple[Column, ...] = ()


@dataclass(frozen=True)
class TableSpec:
    key: str
    number: str
    title: str
    groups: tuple[GroupSpec, ...]
    title_match: str = ""
    start_match: str = ""
    sequence: bool = False

    @property
    def rows(self) -> tuple[tuple[GroupSpec, RowSpec], ...]:
        return tuple((g, r) for g in self.groups for r in g.rows)


@dataclass(frozen=True)
class Template:
    key: str
    name: str
    years: tuple[int, int]
    evidence: tuple[str, ...]
    tables: tuple[TableSpec, ...]
    statistical_table: bool = False
    title_match: str = ""
    start_match: str = ""
    cumulative_match: str = ""

    def table(self, key: str) -> TableSpec | None:
        return next((t for t in self.tables if t.key == key), None)


def _tuple2(x) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(a) for a in x)


def _relation(d: Mapping[str, Any]) -> Relation:
    return Relation(
        kind=d["kind"], axis=d["axis"], label=d["label"], total=d.get("total", ""),
        parts=tuple(d.get("parts", ())), either=_tuple2(d.get("either", ())), left=tuple(d.get("left", ())),
        right=tuple(d.get("right", ())), small=d.get("small", ""), large=d.get("large", ""),
        resolve=bool(d.get("resolve", False)), parts_label=d.get("parts_label", ""),
    )


def _columns(items) -> tuple[Column, ...]:
    return tuple(Column(c["key"], c["label"], c.get("kind", "count"), c.get("unit", "")) for c in items)


def parse_templates(data: Mapping[str, Any]) -> dict[str, Template]:
    """Templates from the parsed ``tables.toml``."""
    out = {}
    for key, t in data["templates"].items():
        tables = []
        for tb in t["tables"]:
            groups = tuple(
                GroupSpec(
                    key=g["key"], caption=g["caption"], columns=_columns(g["columns"]),
                    rows=tuple(RowSpec(r["key"], r["label"], r["match"], bool(r.get("group", False)),
                                       bool(r.get("alternative", False))) for r in g["rows"]),
                    relations=tuple(_relation(r) for r in g.get("relations", ())),
                    cumulative_columns=_columns(g.get("cumulative_columns", ())),
                )
                for g in tb["groups"]
            )
            tables.append(TableSpec(key=tb["key"], number=tb["number"], title=tb["title"], groups=groups,
                                    title_match=tb.get("title_match", ""), start_match=tb.get("start_match", ""),
                                    sequence=bool(tb.get("sequence", False))))
        out[key] = Template(key=key, name=t["name"], years=(int(t["years"][0]), int(t["years"][1])),
                            evidence=tuple(t.get("evidence", ())), tables=tuple(tables),
                            statistical_table=bool(t.get("statistical_table", False)),
                            title_match=t.get("title_match", ""), start_match=t.get("start_match", ""),
                            cumulative_match=t.get("cumulative_match", ""))
    return out


@functools.lru_cache(maxsize=None)
def templates() -> dict[str, Template]:
    """The shipped templates (``corpora/tables.toml``), loaded once."""
    return parse_templates(corpus_toml("tables.toml"))


def expected_template(year: int | None, available: Mapping[str, Template] | None = None) -> str | None:
    """The template the format prescribes for a report of ``year``."""
    if year is None:
        return None
    for key, t in sorted((available or templates()).items()):
        if t.years[0] <= year <= t.years[1]:
            return key
    return None


# ---------------------------------------------------------------------------------------------
# what was read


@dataclass(frozen=True)
class Cell:
    """One cell: ``status`` is ``number``, ``blank`` (nothing written) or ``text`` (something else
    than a number, such as ``—``). ``inferred`` says how the cell was placed when the layout did
    not show it: ``split`` (digits ran together; the only cut that satisfies the row's relations,
    or the table's where ``resolved`` says so), ``order`` (the row label stood apart from its
    numbers; placed by the format's row order), ``position`` (an empty cell placed by the header's
    column positions); empty when read as laid out."""

    row: str
    column: str
    text: str
    value: int | Decimal | None
    status: str
    line: int | None
    unit: str = ""
    inferred: str = ""
    start: int | None = None  # where the cell's text is in the normalised line ``line`` (0-based, end excluded)
    end: int | None = None

    @property
    def decimals(self) -> int:
        return len(self.text.split(".", 1)[1]) if "." in self.text else 0

    def to_dict(self) -> dict[str, Any]:
        v: Any = self.value
        if isinstance(v, Decimal):
            v = int(v) if v == v.to_integral_value() and "." not in self.text else float(v)
        return {"column": self.column, "text": self.text, "value": v, "status": self.status, "line": self.line,
                "start": self.start, "end": self.end, "unit": self.unit, "inferred": self.inferred}


@dataclass(frozen=True)
class Row:
    key: str
    group: str
    label: str  # the format's label
    written: str  # the label as the document writes it ('' when placed by order)
    line: int | None
    cells: tuple[Cell, ...]

    def cell(self, column: str) -> Cell | None:
        return next((c for c in self.cells if c.column == column), None)

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "group": self.group, "label": self.label, "written": self.written,
                "line": self.line, "cells": [c.to_dict() for c in self.cells]}


@dataclass(frozen=True)
class Problem:
    """Something that could not be read, and why (``reason`` is user-facing Chinese)."""

    table: str
    row: str
    reason: str
    line: int | None
    kind: str = "unreadable"  # unreadable | unbalanced_digits | ignored | missing

    def to_dict(self) -> dict[str, Any]:
        return {"table": self.table, "row": self.row, "reason": self.reason, "line": self.line, "kind": self.kind}


@dataclass(frozen=True)
class Table:
    key: str
    number: str
    title: str
    template: str
    layout: str  # rows | cells | run-together | statistical
    line: int | None
    end_line: int | None
    rows: tuple[Row, ...]
    missing: tuple[str, ...] = ()  # keys of the template's required rows not found
    problems: tuple[Problem, ...] = ()
    resolved: tuple[str, ...] = ()  # labels of relations used to read the cells (so not checked)
    spec: TableSpec | None = field(default=None, compare=False, repr=False)
    columns_used: tuple[tuple[str, tuple[Column, ...]], ...] = ()  # group key -> columns read

    def row(self, key: str) -> Row | None:
        return next((r for r in self.rows if r.key == key), None)

    def cell(self, row: str, column: str) -> Cell | None:
        r = self.row(row)
        return r.cell(column) if r else None

    def columns(self, group: str) -> tuple[Column, ...]:
        return next((c for g, c in self.columns_used if g == group), ())

    def row_label(self, key: str) -> str:
        """The format's label of a row (without its group heading): 1.属于国家秘密, 行政复议."""
        if self.spec is not None:
            for _, r in self.spec.rows:
                if r.key == key:
                    return r.label.rpartition(" ")[2]
        return key

    def column_label(self, key: str, group: str | None = None) -> str:
        for g, cols in self.columns_used:
            if group is None or g == group:
                for c in cols:
                    if c.key == key:
                        return c.label
        return key

    def cell_name(self, cell: Cell) -> str:
        """How a message names a cell: “1.属于国家秘密”行“自然人”栏."""
        row = next((r for r in self.rows if r.key == cell.row), None)
        return f"“{self.row_label(cell.row)}”行“{self.column_label(cell.column, row.group if row else None)}”栏"

    @property
    def readable(self) -> bool:
        return any(c.status == "number" for r in self.rows for c in r.cells)

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "number": self.number, "title": self.title, "template": self.template,
                "layout": self.layout, "line": self.line, "end_line": self.end_line,
                "rows": [r.to_dict() for r in self.rows], "missing_rows": list(self.missing),
                "problems": [p.to_dict() for p in self.problems], "resolved_by": list(self.resolved)}


@dataclass(frozen=True)
class Tables:
    """Every statutory table of one report."""

    template: str | None
    template_name: str
    expected: str | None
    year: int | None
    evidence: tuple[tuple[str, int], ...]  # (template, labels of it found in the text)
    tables: tuple[Table, ...]
    problems: tuple[Problem, ...] = ()

    def get(self, key: str) -> Table | None:
        return next((t for t in self.tables if t.key == key), None)

    def to_dict(self) -> dict[str, Any]:
        return {"template": self.template, "template_name": self.template_name, "expected_template": self.expected,
                "year": self.year, "tables": [t.to_dict() for t in self.tables],
                "problems": [p.to_dict() for p in self.problems]}


def excerpt(norm_lines: Sequence[str], cells: Sequence[Cell], width: int = 24, limit: int = 120) -> str:
    """The text around some cells: their line, or on a long line (text run together) a window
    around them, with … where it is cut."""
    placed = [c for c in cells if c.line]
    if not placed:
        return ""
    line = placed[0].line
    text = norm_lines[line - 1] if line - 1 < len(norm_lines) else ""
    same = [c for c in placed if c.line == line and c.start is not None]
    if len(text) > limit and same:
        a = max(0, min(c.start for c in same) - width)
        b = min(len(text), max(c.end or c.start for c in same) + width)
        text = ("…" if a else "") + text[a:b] + ("…" if b < len(text) else "")
    return " ".join(text.replace("\t", " ").split())


# ---------------------------------------------------------------------------------------------
# relations


@dataclass(frozen=True)
class Check:
    """One relation applied to one row (axis ``row``) or one column (axis ``column``).

    ``holds`` is None when it cannot be checked (a cell missing, blank or not a number; or the
    relation was used to read run-together digits); ``reason`` then says why."""

    table: str
    relation: Relation
    scope: str  # the row key (axis row) or column key (axis column)
    left: tuple[Cell, ...]
    right: tuple[Cell, ...]
    left_sum: Decimal | None
    right_sum: Decimal | None
    holds: bool | None
    reason: str = ""


def _num(c: Cell | None) -> Decimal | None:
    if c is None or c.status != "number" or c.value is None:
        return None
    return Decimal(c.value)


def _sides(rel: Relation, have) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """The keys on each side of the relation, or None when the table lacks one of them."""
    if rel.kind == "balance":
        left, right = rel.left, rel.right
    elif rel.kind == "le":
        left, right = (rel.small,), (rel.large,)
    else:
        parts = rel.parts
        if rel.either:
            chosen = next((alt for alt in rel.either if all(have(k) for k in alt)), None)
            if chosen is None:
                return None
            parts = parts + chosen
        left, right = (rel.total,), parts
    return (left, right) if all(have(k) for k in left + right) else None


def checks(table: Table) -> list[Check]:
    """Every relation of the table's template applied where its cells were read."""
    if table.spec is None:
        return []
    out: list[Check] = []
    first: dict[str, Row] = {}  # table.row(key), looked up once
    for r in table.rows:
        first.setdefault(r.key, r)

    def cell(row: str, column: str) -> Cell | None:  # table.cell
        r = first.get(row)
        return r.cell(column) if r else None

    for g in table.spec.groups:
        cols = table.columns(g.key)
        if not cols:
            continue
        col_keys = [c.key for c in cols]
        g_rows = [r for r in table.rows if r.group == g.key and r.cells]
        for rel in g.relations:
            if rel.axis == "row":
                for r in g_rows:
                    sides = _sides(rel, lambda k: k in col_keys)
                    if sides is None:
                        continue
                    out.append(_check(table, rel, r.key, [r.cell(k) for k in sides[0]], [r.cell(k) for k in sides[1]],
                                      split=any(c.inferred == "split" for c in r.cells)))
            else:
                present = {r.key for r in g_rows if r.cells}
                sides = _sides(rel, lambda k: k in present)
                if sides is None:
                    continue
                for col in col_keys:
                    out.append(_check(table, rel, col, [cell(k, col) for k in sides[0]],
                                      [cell(k, col) for k in sides[1]],
                                      split=rel.label in table.resolved))
    return out


def _check(table: Table, rel: Relation, scope: str, left: list[Cell | None], right: list[Cell | None],
           split: bool) -> Check:
    lc = tuple(c for c in left if c is not None)
    rc = tuple(c for c in right if c is not None)
    if split and (rel.axis == "row" or rel.label in table.resolved):
        return Check(table.key, rel, scope, lc, rc, None, None, None, "数字连写，已按该关系拆分")
    if len(lc) < len(left) or len(rc) < len(right):
        return Check(table.key, rel, scope, lc, rc, None, None, None, "缺少单元格")
    lv = [_num(c) for c in lc]
    rv = [_num(c) for c in rc]
    if any(v is None for v in lv + rv):
        return Check(table.key, rel, scope, lc, rc, None, None, None, "有空白或非数字的单元格")
    ls, rs = sum(lv, Decimal(0)), sum(rv, Decimal(0))
    holds = ls <= rs if rel.kind == "le" else ls == rs
    return Check(table.key, rel, scope, lc, rc, ls, rs, holds)
