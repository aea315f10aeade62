"""Reading the rows of one table: labels, the values after them, and those values as cells.

About 470 lines: the steps of reading a labelled table share their small data classes; each step
is a function with its own docstring (used by ``_table_read``):

1. ``occurrences`` / ``chain``: every place a row label of the template occurs, then the longest
   chain of them in the format's row order (labels out of order are stray copies or detached).
2. ``zone_values``: the values written after a label, up to the next label or text; in tables laid
   out as rows, only on the label's own line.
3. ``resolve``: those values as the row's cells: whole-cell numbers in order; empty cells placed by
   the header's column positions; digits that run together cut where only one cut is possible (or
   only one satisfies the row's relations).
4. ``fill_by_order``: lines of numbers without a label (a PDF-to-Markdown table whose labels
   stand apart) placed into the rows without numbers between two read rows, in the format's
   order, only when the counts match exactly.
5. ``resolve_jointly``: rows whose digits still have several cuts, where the format states an
   exact relation between rows (统计表: total = sum of channels).
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal

from textcheck.analysis._table_model import Cell, Column, GroupSpec, Problem, RowSpec, TableSpec
from textcheck.analysis._table_split import cuts
from textcheck.analysis._table_text import TableText, Tok, compact

COUNT_WORDS = frozenset("件条项次人个家名")  # a number followed by one of these is prose, not a cell
_FOOTER = re.compile(r"^(?:[-—–]+\s*\d+\s*[-—–]+|第\d+页(?:共\d+页)?|\d+/\d+)$")


@dataclass
class Occ:
    start: int
    end: int
    index: int  # position of the row in the group's row order
    spec: RowSpec


@dataclass
class RowRead:
    spec: RowSpec
    group: GroupSpec
    index: int
    occ: Occ | None = None
    cells: list[Cell] = field(default_factory=list)
    candidates: list[list[str]] = field(default_factory=list)  # several cuts: not decided yet
    cand_line: int | None = None
    cand_values: list[Tok] = field(default_factory=list)
    has_values: bool = False


@functools.lru_cache(maxsize=None)
def _core(match: str) -> re.Pattern[str]:
    return re.compile(match)


class RowPattern:
    """A row label's pattern; an Arabic item number right before it ("2.") is part of the match."""

    def __init__(self, match: str) -> None:
        self.core = _core(match)

    def finditer(self, text: str, a: int, b: int):
        for m in self.core.finditer(text, a, b):
            start = m.start()
            if start - 2 >= a and text[start - 1] in ".、" and "1" <= text[start - 2] <= "9":
                start -= 2
            yield _Match(start, m.end())

    def search(self, text: str) -> bool:
        return self.core.search(text) is not None


@dataclass(frozen=True)
class _Match:
    s: int
    e: int

    def start(self) -> int:
        return self.s

    def end(self) -> int:
        return self.e


def row_pattern(spec: RowSpec) -> RowPattern:
    return RowPattern(spec.match)


def stop_positions(tt: TableText, pats: list[RowPattern], a: int, b: int) -> list[int]:
    out = set()
    for p in pats:
        for m in p.finditer(tt.text, a, b):
            out.add(m.start())
    return sorted(out)


def next_stop(stops: list[int], pos: int, b: int) -> int:
    i = bisect.bisect_left(stops, pos)
    return stops[i] if i < len(stops) and stops[i] < b else b


def written(tt: TableText, occ: Occ | None) -> str:
    """The label as the document writes it: its whole cell when that is a short label cell."""
    if occ is None:
        return ""
    segs = tt.segs_between(occ.start, occ.end)
    if len(segs) == 1 and len(segs[0].text) <= 60:
        return segs[0].text
    return tt.text[occ.start : occ.end]


# ---------------------------------------------------------------------------------------------
# 2. row labels


def label_occurrences(tt: TableText, g: GroupSpec, a: int, b: int) -> list[Occ]:
    out = []
    for i, r in enumerate(g.rows):
        if not r.match:
            continue
        for m in row_pattern(r).finditer(tt.text, a, b):
            out.append(Occ(m.start(), m.end(), i, r))
    out.sort(key=lambda o: (o.start, o.index))
    return out


def label_chain(occs: list[Occ], fit: dict[int, int]) -> list[Occ]:
    """The longest run of label occurrences whose rows follow the format's order; among equally
    long runs, the one whose labels are best followed by a row of numbers, then the earliest."""
    n = len(occs)
    if not n:
        return []
    best = [(1, fit.get(occs[k].start, 0)) for k in range(n)]
    prev = [-1] * n
    for j in range(n):
        vj = fit.get(occs[j].start, 0)
        for i in range(j):
            if occs[i].index < occs[j].index and occs[i].end <= occs[j].start:
                cand = (best[i][0] + 1, best[i][1] + vj)
                if cand > best[j]:
                    best[j], prev[j] = cand, i
    j = max(range(n), key=lambda k: (best[k], -k))
    out = []
    while j >= 0:
        out.append(occs[j])
        j = prev[j]
    return out[::-1]


def row_fit(tt: TableText, occs: list[Occ], stops: list[int], b: int, layout: str, n: int) -> dict[int, int]:
    """How well each occurrence is followed by its row: 2 a whole row of numbers (or digits run
    together), 1 some numbers, 0 none (a heading, a label standing apart, a mention in text)."""
    out = {}
    for o in occs:
        end = next_stop(stops, o.end, b)
        if layout == "rows":
            nl = tt.text.find("\n", o.end)
            end = min(end, nl if nl >= 0 else b)
        values, _ = zone_values(tt, o.end, end, n, layout)
        filled = [v for v in values if v.kind != "blank"]
        whole = len(filled) >= n or any(v.kind == "digits" and len("".join(v.pieces)) >= n for v in filled)
        out[o.start] = 2 if whole else (1 if filled else 0)
    return out


def header_positions(tt: TableText, cols: tuple[Column, ...], a: int, b: int) -> dict[str, int] | None:
    """Cell index of each column heading in the header lines, when every one is found in order."""
    pos: dict[str, int] = {}
    for seg in tt.segs_between(a, b):
        if not seg.sep:
            continue
        for c in cols:
            if c.key not in pos and seg.text == compact(c.label):
                pos[c.key] = seg.col
                break
    if len(pos) != len(cols):
        return None
    order = [pos[c.key] for c in cols]
    return pos if all(x < y for x, y in zip(order, order[1:])) else None


# ---------------------------------------------------------------------------------------------
# 3. values after a label


def _skip_parenthetical(tt: TableText, pos: int, end: int) -> int:
    if pos < end and tt.text[pos] in "(（":
        close = tt.text.find(")", pos, min(end, pos + 80))
        if close > 0:
            return close + 1
    return pos


def zone_values(tt: TableText, start: int, end: int, n: int, layout: str) -> tuple[list[Tok], list[list[Tok]]]:
    """The value tokens after a label (leading text and empty cells skipped, up to text after the
    first value), and, one cell per line, the values beyond the row's ``n`` cells in groups."""
    start = _skip_parenthetical(tt, start, end)
    values: list[Tok] = []
    for tok in tt.tokens(start, end):
        if tok.kind == "text":
            if values:
                break
            continue
        if tok.kind == "blank" and not values:
            continue
        values.append(tok)
    while values and values[-1].kind == "blank":
        values.pop()
    surplus: list[list[Tok]] = []
    if layout == "cells":
        filled = [v for v in values if v.kind != "blank"]
        if len(filled) > n and all(v.kind == "num" for v in filled):
            values, rest = filled[:n], filled[n:]
            surplus = [rest[i : i + n] for i in range(0, len(rest), n)]
    return values, surplus


# ---------------------------------------------------------------------------------------------
# 4. values -> cells


def cell(row: str, col: Column, text: str, line: int | None, unit: str = "", inferred: str = "",
          placeholder: bool = False, span: tuple[int, int] | None = None) -> Cell:
    start, end = span if span else (None, None)
    if placeholder:
        return Cell(row, col.key, text, None, "text", line, unit, inferred, start, end)
    if text == "":
        return Cell(row, col.key, "", None, "blank", line, unit, inferred, start, end)
    value: int | Decimal = Decimal(text) if "." in text else int(text)
    return Cell(row, col.key, text, value, "number", line, unit, inferred, start, end)


def _tok_cell(row: str, col: Column, v: Tok, inferred: str) -> Cell:
    a = v.seg.line_offset(v.start)
    b = v.seg.line_offset(v.start + max(0, len(v.text) - 1)) + 1 if v.text else a
    if v.text and v.unit:
        b = v.seg.line_offset(v.start + len(v.text) + len(v.unit) - 1) + 1
    return cell(row, col, v.text, v.line, v.unit, inferred, v.kind == "placeholder", (a, b))


def _cut_cells(row: str, cols: tuple[Column, ...], values: list[Tok], cut: list[str], inferred: str) -> list[Cell]:
    """Cells of one cut of run-together digits, each with its line and its place in the line."""
    chars: list[tuple[Tok, int]] = []
    for v in values:
        if v.kind == "blank":
            continue
        for k, ch in enumerate(v.text):
            if ch != " ":
                chars.append((v, v.start + k))
    out, i = [], 0
    for c, text in zip(cols, cut):
        first, last = chars[i], chars[i + len(text) - 1]
        i += len(text)
        span = (first[0].seg.line_offset(first[1]), last[0].seg.line_offset(last[1]) + 1)
        unit = last[0].unit if i == len(chars) else ""
        out.append(cell(row, c, text, first[0].line, unit, inferred, span=span))
    return out


def _row_checks(g: GroupSpec, cols: tuple[Column, ...]):
    """The group's within-row relations as (index of the last cell needed, predicate)."""
    idx = {c.key: i for i, c in enumerate(cols)}
    out = []
    for rel in g.relations:
        if rel.axis != "row":
            continue
        if rel.kind == "sum" and rel.total in idx and all(p in idx for p in rel.parts):
            t, ps = idx[rel.total], [idx[p] for p in rel.parts]
            out.append((max([t] + ps), lambda v, t=t, ps=ps: v[t] == sum((v[p] for p in ps), Decimal(0))))
        elif rel.kind == "le" and rel.small in idx and rel.large in idx:
            s, lg = idx[rel.small], idx[rel.large]
            out.append((max(s, lg), lambda v, s=s, lg=lg: v[s] <= v[lg]))
    return out


def resolve(tt: TableText, rr: RowRead, values: list[Tok], cols: tuple[Column, ...], g: GroupSpec,
             header: dict[str, int] | None, problems: list[Problem], table: str, inferred: str = "") -> bool:
    """Turn a row's value tokens into its cells; False (and a problem) when that cannot be done exactly."""
    n = len(cols)
    key = rr.spec.key
    line = values[0].line if values else (tt.line_of(rr.occ.start) if rr.occ else None)
    if not values:
        return False
    rr.has_values = True
    if any(v.kind == "digits" for v in values):
        pieces = [(v.text, False) if v.kind == "num" else (p, True) for v in values if v.kind != "blank"
                  for p in ((v.text,) if v.kind == "num" else v.pieces)]
        if any(v.kind == "placeholder" for v in values):
            problems.append(Problem(table, key, "数字连写且夹有非数字内容，无法拆分", line))
            return False
        kinds = [c.kind for c in cols]
        free, complete = cuts(pieces, kinds, cap=50)
        if complete and len(free) == 1:
            rr.cells = _cut_cells(key, cols, values, free[0], "digits")
            return True
        if complete and not free:
            digits = "".join(p for p, _ in pieces)
            reason = (f"只找到 {len(digits)} 位数字（{digits}），应有 {n} 个数" if len(digits) < n
                      else f"数字连写（{digits}），无法拆成 {n} 个数")
            problems.append(Problem(table, key, reason, line))
            return False
        checks = _row_checks(g, cols)
        if not checks:
            rr.candidates, rr.cand_line, rr.cand_values = free, line, values
            if not complete:
                rr.candidates = []
                problems.append(Problem(table, key, "数字连写，可拆分的方式过多，无法确定", line))
            return False
        good, complete2 = cuts(pieces, kinds, checks, cap=50)
        if complete2 and len(good) == 1:
            rr.cells = _cut_cells(key, cols, values, good[0], "split")
            return True
        if complete2 and not good:
            problems.append(Problem(table, key, f"数字连写（{''.join(p for p, _ in pieces)}），无论怎样拆分都不满足"
                                    f"“{_row_rel_label(g)}”", line, "unbalanced_digits"))
            return False
        rr.candidates, rr.cand_line, rr.cand_values = (good if complete2 else []), line, values
        if not complete2:
            problems.append(Problem(table, key, "数字连写，可拆分的方式过多，无法确定", line))
        return False
    filled = [v for v in values if v.kind != "blank"]
    if len(filled) == n:
        rr.cells = [_tok_cell(key, c, v, inferred) for c, v in zip(cols, filled)]
        return True
    label_col = -1
    if rr.occ is not None:
        segs = tt.segs_between(rr.occ.end - 1, rr.occ.end)
        label_col = segs[-1].col if segs and segs[-1].line == values[0].line else -1
    if len(filled) < n and header and len({v.line for v in values}) == 1 and 0 <= label_col < min(header.values()):
        by_col = {v.seg.col: v for v in filled}
        positions = set(header.values())
        ncols = values[0].seg.ncols
        if set(by_col) <= positions and max(positions) < ncols:
            cells = []
            for c in cols:
                v = by_col.get(header[c.key])
                cells.append(_tok_cell(key, c, v, inferred) if v else cell(key, c, "", line, inferred="position"))
            rr.cells = cells
            return True
    if len(filled) < n and rr.occ is not None and values[0].seg.sep and len({v.line for v in values}) == 1:
        label_seg = tt.segs_between(rr.occ.end - 1, rr.occ.end)[-1]
        after = [sg for sg in tt.line_segs(label_seg.line) if sg.col > label_seg.col]
        ncols = label_seg.ncols
        if ncols - label_seg.col - 1 == n and len(after) <= n:
            by_col = {v.seg.col: v for v in filled}
            cells = []
            for i, c in enumerate(cols):
                v = by_col.get(label_seg.col + 1 + i)
                cells.append(_tok_cell(key, c, v, inferred) if v else cell(key, c, "", line, inferred="position"))
            if sum(1 for x in cells if x.status != "blank") == len(filled):
                rr.cells = cells
                return True
    what = "个数" if all(v.kind in ("num", "blank") for v in filled) else "项"
    problems.append(Problem(table, key, f"有 {len(filled)} {what}，应有 {n} 个，无法确定各数对应的栏目", line))
    return False


def _row_rel_label(g: GroupSpec) -> str:
    return "；".join(r.label for r in g.relations if r.axis == "row") or "本行关系"


def ambiguous_reason(r: RowRead) -> str:
    shown = "、".join("/".join(c) for c in r.candidates[:3])
    more = "等" if len(r.candidates) > 3 else ""
    return f"数字连写，可拆成 {len(r.candidates)} 种（{shown}{more}），无法确定"


# ---------------------------------------------------------------------------------------------
# 5. labels apart from their numbers


def fill_by_order(tt: TableText, spec: TableSpec, g: GroupSpec, reads: list[RowRead], cols: tuple[Column, ...],
                   a: int, b: int, stops: list[int], header, problems: list[Problem]) -> None:
    """Place lines of numbers without a label into the rows between two read rows, in order."""
    n = len(cols)
    label_lines = {tt.line_of(s) for s in stops}
    anchored = [r for r in reads if r.occ and r.has_values]
    anchor_lines = {tt.line_of(r.occ.start) for r in anchored}
    groups: list[tuple[int, list[Tok]]] = []
    first = min((r.occ.start for r in reads if r.occ), default=b)
    seen_lines: dict[int, list[Tok]] = {}
    for t in tt.tokens(first, b):
        seen_lines.setdefault(t.line, []).append(t)
    for line, toks in sorted(seen_lines.items()):
        if line in anchor_lines or line in label_lines:
            continue
        if any(t.kind == "text" for t in toks):
            continue
        vals = [t for t in toks if t.kind != "blank"]
        if not vals or _FOOTER.match(tt.line_segs(line)[0].text if tt.line_segs(line) else ""):
            continue
        count = sum(len(t.pieces) if t.kind == "digits" else 1 for t in vals)
        digits = sum(len("".join(t.pieces)) if t.kind == "digits" else 1 for t in vals)
        if not toks[0].seg.sep and count != n and not (count == 1 and digits >= n):
            problems.append(Problem(spec.key, "", f"第 {line} 行的数字“{vals[0].text}”不在任何一行中，已忽略", line, "ignored"))
            continue
        groups.append((line, toks))
    if not groups:
        return
    bounds = [(-1, 0)] + [(r.index, tt.line_of(r.occ.start)) for r in sorted(anchored, key=lambda r: r.index)] + [
        (len(reads), tt.n_lines + 1)]
    for (i0, l0), (i1, l1) in zip(bounds, bounds[1:]):
        between = [gr for gr in groups if l0 < gr[0] < l1]
        if not between:
            continue
        lacking = [r for r in reads[i0 + 1 : i1] if not r.cells]
        required = [r for r in lacking if not r.spec.alternative and not r.spec.group]
        target = next((c for c in (required, lacking) if len(c) == len(between)), None)
        if target is None:
            for line, _ in between:
                problems.append(Problem(spec.key, "", f"第 {line} 行的数字没有行标签，且无法按表格顺序确定属于哪一行", line))
            continue
        for rr, (line, toks) in zip(target, between):
            values = [t for t in toks]
            while values and values[0].kind == "blank":
                values.pop(0)
            resolve(tt, rr, values, cols, g, header, problems, spec.key, inferred="order")
            if rr.cells:
                rr.cells = [replace(c, inferred="split" if c.inferred == "split" else "order") for c in rr.cells]


# ---------------------------------------------------------------------------------------------
# 6. several cuts: the table's exact relations between rows


def resolve_jointly(spec: TableSpec, reads: list[RowRead], problems: list[Problem], resolved: list[str],
                     columns_used) -> None:
    cols_of = dict(columns_used)
    for g in spec.groups:
        g_reads = {r.spec.key: r for r in reads if r.group is g}
        cols = cols_of[g.key]
        for rel in g.relations:
            if rel.axis != "column" or not rel.resolve:
                continue
            alts = rel.either or ((),)
            for alt in alts:
                keys = [rel.total] + list(rel.parts) + list(alt)
                rows = [g_reads.get(k) for k in keys]
                if any(r is None or (not r.cells and not r.candidates) for r in rows):
                    continue
                open_rows = [r for r in rows if r.candidates]
                if not open_rows or any(len(r.candidates) > 20 for r in open_rows):
                    break
                fits = []
                for combo in itertools.product(*[r.candidates for r in open_rows]):
                    chosen = {r.spec.key: c for r, c in zip(open_rows, combo)}

                    def val(k: str, j: int) -> Decimal:
                        r = g_reads[k]
                        if k in chosen:
                            return Decimal(chosen[k][j])
                        return Decimal(r.cells[j].value if r.cells[j].value is not None else "NaN")

                    if all(val(rel.total, j) == sum((val(k, j) for k in keys[1:]), Decimal(0)) for j in range(len(cols))):
                        fits.append(combo)
                if len(fits) == 1:
                    for r, cut in zip(open_rows, fits[0]):
                        r.cells = _cut_cells(r.spec.key, cols, r.cand_values, cut, "split")
                        r.candidates = []
                    resolved.append(rel.label)
                break
