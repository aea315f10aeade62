"""Reading the statutory tables from a document's cells (the public API is ``tables.read_tables``).

Long (about 450 lines) because it is one algorithm whose steps share state; each step is a
function with its own docstring:

1. ``_regions``: where each table is (its title, the first row label, up to the next table).
2. ``_occurrences`` / ``_chain``: every place a row label of the template occurs, then the longest
   chain of them in the format's row order (labels out of order are stray copies or detached).
3. ``_zone_values``: the values written after a label, up to the next label or text; in tables laid
   out as rows, only on the label's own line.
4. ``_resolve``: those values as the row's cells: whole-cell numbers in order; empty cells placed by
   the header's column positions; digits that run together cut where only one cut is possible (or
   only one satisfies the row's relations).
5. ``_fill_by_order``: lines of numbers without a label (a PDF-to-Markdown table whose labels
   stand apart) placed into the rows without numbers between two read rows, in the format's
   order, only when the counts match exactly.
6. ``_resolve_jointly``: rows whose digits still have several cuts, where the format states an
   exact relation between rows (统计表: total = sum of channels).
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Mapping, Sequence

from textcheck.analysis._table_split import cuts
from textcheck.analysis._table_text import TableText, Tok, compact
from textcheck.analysis.tables import (
    Cell, Column, GroupSpec, Problem, Relation, Row, RowSpec, Table, Tables, TableSpec, Template,
    expected_template,
)

_END = re.compile(r"存在的主要问题|其他需要报告的事项|改进情况|存在问题")
_GROUP_HEADS = r"本年度办理结果|不予公开|无法提供|不予处理|申请人情况|法人或其他组织|第二十条第|信息内容|其中[:：]"
_WINDOW = 6000
_COUNT_WORDS = frozenset("件条项次人个家名")
_FOOTER = re.compile(r"^(?:[-—–]+\s*\d+\s*[-—–]+|第\d+页(?:共\d+页)?|\d+/\d+)$")


@dataclass
class _Occ:
    start: int
    end: int
    index: int  # position of the row in the group's row order
    spec: RowSpec


@dataclass
class _RowRead:
    spec: RowSpec
    group: GroupSpec
    index: int
    occ: _Occ | None = None
    cells: list[Cell] = field(default_factory=list)
    candidates: list[list[str]] = field(default_factory=list)  # several cuts: not decided yet
    cand_line: int | None = None
    cand_values: list[Tok] = field(default_factory=list)
    has_values: bool = False


def read_document(lines: Sequence[str], norm_lines: Sequence[str], year: int | None,
                  sections: Mapping[str, tuple[int, int]], available: Mapping[str, Template]) -> Tables:
    tt = TableText(lines, norm_lines)
    expected = expected_template(year, available)
    scored = []
    evidence_of = {key: sum(1 for w in tpl.evidence if compact(w) in tt.text) for key, tpl in available.items()}
    top = max(evidence_of.values(), default=0)
    for key, tpl in sorted(available.items()):
        evidence = evidence_of[key]
        if top and evidence < top:
            scored.append(((evidence, 0, key == expected, key), key, evidence, []))
            continue
        tables = _read_template(tt, tpl, sections)
        numbers = sum(1 for t in tables for r in t.rows for c in r.cells if c.status == "number")
        scored.append(((evidence, numbers, key == expected, key), key, evidence, tables))
    scored.sort(key=lambda s: s[0], reverse=True)
    (_, key, evidence, tables) = scored[0]
    evid = tuple((k, e) for _, k, e, _ in sorted(scored, key=lambda s: s[1]))
    if not any(t.rows or t.layout == "narrative" for t in tables):
        return Tables(template=None, template_name="", expected=expected, year=year, evidence=evid, tables=(),
                      problems=(Problem("", "", "未找到统计表格", None, "missing"),))
    found = {t.key for t in tables}
    probs = tuple(Problem(spec.key, "", f"未找到“{spec.title}”表", None, "missing")
                  for spec in available[key].tables if spec.key not in found)
    return Tables(template=key, template_name=available[key].name, expected=expected, year=year, evidence=evid,
                  tables=tuple(tables), problems=probs)


# ---------------------------------------------------------------------------------------------
# 1. regions


@functools.lru_cache(maxsize=None)
def _core(match: str) -> re.Pattern[str]:
    return re.compile(match)


class _RowPattern:
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


def _row_pattern(spec: RowSpec) -> _RowPattern:
    return _RowPattern(spec.match)


def _regions(tt: TableText, tpl: Template,
             sections: Mapping[str, tuple[int, int]]) -> dict[str, tuple[int, int, int]]:
    """Per table: (start of its title, start of the line where its rows begin, end)."""
    text = tt.text
    starts: dict[str, int] = {}
    content: dict[str, int] = {}
    for spec in tpl.tables:
        lim = tt.line_span(*sections[spec.key]) if spec.key in sections else None
        s = _best_start(tt, spec, lim)
        if s is None and lim is not None:
            s = _best_start(tt, spec, None)
        if s is None:
            continue
        title = None
        if spec.title_match:
            for m in re.compile(spec.title_match).finditer(text, max(0, s - 800), s):
                title = m.start()
        line_start = text.rfind("\n", 0, s) + 1
        content[spec.key] = line_start if s - line_start < 300 else s
        starts[spec.key] = title if title is not None else content[spec.key]
    out = {}
    order = sorted(starts.items(), key=lambda kv: kv[1])
    for i, (key, a) in enumerate(order):
        b = order[i + 1][1] if i + 1 < len(order) else len(text)
        if i + 1 == len(order):
            m = _END.search(text, a + 1)
            if m:
                b = m.start()
        out[key] = (a, content[key], max(content[key], b))
    return out


def _best_start(tt: TableText, spec: TableSpec, lim: tuple[int, int] | None) -> int | None:
    """Where the table's content starts: the occurrence of its start words with the most of its
    row labels (for a table without row labels, its column headings) close after it."""
    a, b = lim or (0, len(tt.text))
    best, best_score = None, 0
    pats = [_row_pattern(r) for _, r in spec.rows if r.match]
    for m in re.finditer(spec.start_match, tt.text[:b]):
        if m.start() < a:
            continue
        window = tt.text[m.start() : m.start() + _WINDOW]
        if spec.sequence:
            near = tt.text[max(0, m.start() - 300) : m.end() + 300]
            score = len(set(re.findall(r"结果|维持|纠正|尚未|审结|复议后起诉|未经复议|总计", near))) - 1
            score = score if re.search(r"\d", tt.text[m.end() : m.end() + 600]) else 0
        else:
            score = sum(1 for p in pats if p.search(window))
        if score > best_score:
            best, best_score = m.start(), score
    return best if best_score >= (2 if spec.sequence else 2) else None


def _statistical_region(tt: TableText, tpl: Template) -> tuple[int, int, int] | None:
    for m in re.finditer(tpl.title_match, tt.text):
        if re.search(tpl.start_match, tt.text[m.end() : m.end() + 300]):
            return m.start(), m.start(), len(tt.text)
    return None


# ---------------------------------------------------------------------------------------------
# reading one template


def _read_template(tt: TableText, tpl: Template, sections: Mapping[str, tuple[int, int]]) -> list[Table]:
    stop_pats = [_row_pattern(r) for spec in tpl.tables for _, r in spec.rows if r.match]
    literals = sorted({compact(c.label) for spec in tpl.tables for g in spec.groups for c in g.columns
                       if len(compact(c.label)) >= 4} | {compact(spec.title) for spec in tpl.tables}, key=len)
    stop_pats.append(_RowPattern("|".join([_GROUP_HEADS] + [re.escape(x) for x in literals])))
    tables = []
    if tpl.statistical_table:
        region = _statistical_region(tt, tpl)
        if region is None:
            return []
        cumulative = bool(re.search(tpl.cumulative_match, tt.text[region[0] : region[0] + 400]))
        for spec in tpl.tables:
            t = _read_labelled(tt, tpl, spec, region, stop_pats, cumulative)
            if t.rows:
                tables.append(t)
        return tables
    for key, region in _regions(tt, tpl, sections).items():
        spec = tpl.table(key)
        assert spec is not None
        if spec.sequence:
            t = _read_sequence(tt, tpl, spec, region)
        else:
            t = _read_labelled(tt, tpl, spec, region, stop_pats, False)
        tables.append(t)
    tables.sort(key=lambda t: [s.key for s in tpl.tables].index(t.key))
    return tables


def _stops(tt: TableText, pats: list[_RowPattern], a: int, b: int) -> list[int]:
    out = set()
    for p in pats:
        for m in p.finditer(tt.text, a, b):
            out.add(m.start())
    return sorted(out)


def _next_stop(stops: list[int], pos: int, b: int) -> int:
    import bisect

    i = bisect.bisect_left(stops, pos)
    return stops[i] if i < len(stops) and stops[i] < b else b


def _layout(tt: TableText, a: int, b: int) -> str:
    """``rows`` when most lines holding numbers hold a whole row, ``cells`` when they hold one
    number each (a table flattened one cell per line)."""
    per_line: dict[int, list[Tok]] = {}
    for t in tt.tokens(a, b):
        per_line.setdefault(t.line, []).append(t)
    single = multi = 0
    for toks in per_line.values():
        nums = [t for t in toks if t.kind in ("num", "digits", "placeholder")]
        if not nums:
            continue
        if len(nums) == 1 and all(t.kind in ("num", "blank", "placeholder") for t in toks):
            single += 1
        else:
            multi += 1
    return "cells" if single > multi else "rows"


def _read_labelled(tt: TableText, tpl: Template, spec: TableSpec, region: tuple[int, int, int],
                   stop_pats: list[_RowPattern], cumulative: bool) -> Table:
    a, c, b = region
    stops = _stops(tt, stop_pats, a, b)
    layout = _layout(tt, c, b)
    problems: list[Problem] = []
    resolved: list[str] = []
    reads: list[_RowRead] = []
    columns_used = []
    run_together = 0
    with_values = 0
    prose: list[int] = []
    for g in spec.groups:
        cols = g.cumulative_columns if cumulative and g.cumulative_columns else g.columns
        columns_used.append((g.key, cols))
        occs = _occurrences(tt, g, c, b)
        chain = _chain(occs, _fit(tt, occs, stops, b, layout, len(cols)))
        header = _header_positions(tt, cols, a, chain[0].start if chain else b)
        g_reads = [_RowRead(spec=r, group=g, index=i) for i, r in enumerate(g.rows)]
        for occ in chain:
            rr = g_reads[occ.index]
            rr.occ = occ
            end = _next_stop(stops, occ.end, b)
            if layout == "rows":
                nl = tt.text.find("\n", occ.end)
                end = min(end, nl if nl >= 0 else b)
            values, surplus = _zone_values(tt, occ.end, end, len(cols), layout)
            if any(v.kind == "digits" for v in values):
                run_together += 1
            if values:
                with_values += 1
                last = values[-1]
                after = last.start + len(last.text) + len(last.unit)
                if tt.text[after : after + 1] in _COUNT_WORDS:
                    prose.append(last.line)
            _resolve(tt, rr, values, cols, g, header, problems, spec.key)
            for extra in surplus:
                problems.append(Problem(spec.key, rr.spec.key, "该行之后还有一组数字，无法确定属于哪一行",
                                        extra[0].line if extra else None))
        if layout == "rows":
            _fill_by_order(tt, spec, g, g_reads, cols, a, b, stops, header, problems)
        reads.extend(g_reads)
    if prose and len(prose) * 2 >= with_values:
        line = prose[0]
        return Table(key=spec.key, number=spec.number, title=spec.title, template=tpl.key, layout="narrative",
                     line=tt.line_of(a), end_line=max(prose), rows=(), problems=(Problem(
                         spec.key, "", "该部分用文字叙述（“本年新收…件”），没有按格式列出表格，无法逐项核对", line, "narrative"),),
                     spec=spec, columns_used=tuple(columns_used))
    _resolve_jointly(spec, reads, problems, resolved, columns_used)
    rows = tuple(Row(key=r.spec.key, group=r.group.key, label=r.spec.label,
                     written=_written(tt, r.occ), line=r.occ and tt.line_of(r.occ.start) or (r.cells[0].line if r.cells else None),
                     cells=tuple(r.cells))
                 for r in reads if r.cells or r.occ)
    for r in reads:
        if r.candidates:
            problems.append(Problem(spec.key, r.spec.key, _ambiguous_reason(r), r.cand_line))
    missing = () if tpl.statistical_table else tuple(
        r.spec.key for r in reads if not r.spec.alternative and not r.cells and not r.occ)
    lines = [c.line for r in rows for c in r.cells if c.line] + [r.line for r in rows if r.line]
    lay = "statistical" if tpl.statistical_table else ("run-together" if run_together > len(rows) / 2 else layout)
    return Table(key=spec.key, number=spec.number, title=spec.title, template=tpl.key, layout=lay,
                 line=min(lines, default=tt.line_of(a)), end_line=max(lines, default=tt.line_of(max(a, b - 1))),
                 rows=rows, missing=missing, problems=tuple(problems), resolved=tuple(resolved), spec=spec,
                 columns_used=tuple(columns_used))


def _written(tt: TableText, occ: _Occ | None) -> str:
    """The label as the document writes it: its whole cell when that is a short label cell."""
    if occ is None:
        return ""
    segs = tt.segs_between(occ.start, occ.end)
    if len(segs) == 1 and len(segs[0].text) <= 60:
        return segs[0].text
    return tt.text[occ.start : occ.end]


# ---------------------------------------------------------------------------------------------
# 2. row labels


def _occurrences(tt: TableText, g: GroupSpec, a: int, b: int) -> list[_Occ]:
    out = []
    for i, r in enumerate(g.rows):
        if not r.match:
            continue
        for m in _row_pattern(r).finditer(tt.text, a, b):
            out.append(_Occ(m.start(), m.end(), i, r))
    out.sort(key=lambda o: (o.start, o.index))
    return out


def _chain(occs: list[_Occ], fit: dict[int, int]) -> list[_Occ]:
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


def _fit(tt: TableText, occs: list[_Occ], stops: list[int], b: int, layout: str, n: int) -> dict[int, int]:
    """How well each occurrence is followed by its row: 2 a whole row of numbers (or digits run
    together), 1 some numbers, 0 none (a heading, a label standing apart, a mention in text)."""
    out = {}
    for o in occs:
        end = _next_stop(stops, o.end, b)
        if layout == "rows":
            nl = tt.text.find("\n", o.end)
            end = min(end, nl if nl >= 0 else b)
        values, _ = _zone_values(tt, o.end, end, n, layout)
        filled = [v for v in values if v.kind != "blank"]
        whole = len(filled) >= n or any(v.kind == "digits" and len("".join(v.pieces)) >= n for v in filled)
        out[o.start] = 2 if whole else (1 if filled else 0)
    return out


def _header_positions(tt: TableText, cols: tuple[Column, ...], a: int, b: int) -> dict[str, int] | None:
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


def _zone_values(tt: TableText, start: int, end: int, n: int, layout: str) -> tuple[list[Tok], list[list[Tok]]]:
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


def _cell(row: str, col: Column, text: str, line: int | None, unit: str = "", inferred: str = "",
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
    return _cell(row, col, v.text, v.line, v.unit, inferred, v.kind == "placeholder", (a, b))


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
        out.append(_cell(row, c, text, first[0].line, unit, inferred, span=span))
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


def _resolve(tt: TableText, rr: _RowRead, values: list[Tok], cols: tuple[Column, ...], g: GroupSpec,
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
                cells.append(_tok_cell(key, c, v, inferred) if v else _cell(key, c, "", line, inferred="position"))
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
                cells.append(_tok_cell(key, c, v, inferred) if v else _cell(key, c, "", line, inferred="position"))
            if sum(1 for x in cells if x.status != "blank") == len(filled):
                rr.cells = cells
                return True
    what = "个数" if all(v.kind in ("num", "blank") for v in filled) else "项"
    problems.append(Problem(table, key, f"该行有 {len(filled)} {what}，应有 {n} 个，无法确定对应的栏目", line))
    return False


def _row_rel_label(g: GroupSpec) -> str:
    return "；".join(r.label for r in g.relations if r.axis == "row") or "本行关系"


def _ambiguous_reason(r: _RowRead) -> str:
    shown = "、".join("/".join(c) for c in r.candidates[:3])
    more = "等" if len(r.candidates) > 3 else ""
    return f"数字连写，可拆成 {len(r.candidates)} 种（{shown}{more}），无法确定"


# ---------------------------------------------------------------------------------------------
# 5. labels apart from their numbers


def _fill_by_order(tt: TableText, spec: TableSpec, g: GroupSpec, reads: list[_RowRead], cols: tuple[Column, ...],
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
            _resolve(tt, rr, values, cols, g, header, problems, spec.key, inferred="order")
            if rr.cells:
                rr.cells = [replace(c, inferred="split" if c.inferred == "split" else "order") for c in rr.cells]


# ---------------------------------------------------------------------------------------------
# 6. several cuts: the table's exact relations between rows


def _resolve_jointly(spec: TableSpec, reads: list[_RowRead], problems: list[Problem], resolved: list[str],
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


# ---------------------------------------------------------------------------------------------
# the table without row labels (四)


def _read_sequence(tt: TableText, tpl: Template, spec: TableSpec, region: tuple[int, int, int]) -> Table:
    a, c, b = region
    g = spec.groups[0]
    cols = g.columns
    n = len(cols) * len(g.rows)
    problems: list[Problem] = []
    start = _header_end(tt, c, b)
    rows: list[Row] = []
    resolved: list[str] = []
    if start is not None:
        values, _ = _zone_values(tt, start, b, n, "rows")
        if values:
            last = values[-1]
            after = last.start + len(last.text) + len(last.unit)
            if tt.text[after : after + 1] in _COUNT_WORDS or (len(values) == 1 and tt.text[after : after + 1] in ",，;；、。"):
                return Table(key=spec.key, number=spec.number, title=spec.title, template=tpl.key, layout="narrative",
                             line=tt.line_of(a), end_line=last.line, rows=(), problems=(Problem(
                                 spec.key, "", "该部分用文字叙述，没有按格式列出表格，无法逐项核对", last.line, "narrative"),),
                             spec=spec, columns_used=((g.key, cols),))
        flat = RowSpec("all", "", "")
        fake = GroupSpec(g.key, g.caption, tuple(
            Column(f"{r.key}.{c.key}", c.label, c.kind, c.unit) for r in g.rows for c in cols), (flat,),
            _flat_relations(g))
        rr = _RowRead(spec=flat, group=fake, index=0)
        _resolve(tt, rr, values, fake.columns, fake, None, problems, spec.key)
        if rr.candidates:
            problems.append(Problem(spec.key, "", _ambiguous_reason(rr), rr.cand_line))
        problems = [replace(p, row="") if p.row == "all" else p for p in problems]
        if rr.cells:
            for i, r in enumerate(g.rows):
                part = rr.cells[i * len(cols) : (i + 1) * len(cols)]
                cells = tuple(replace(x, row=r.key, column=c.key) for c, x in zip(cols, part))
                rows.append(Row(r.key, g.key, r.label, "", part[0].line, cells))
    else:
        problems.append(Problem(spec.key, "", "找到了表题，但没有找到表头“尚未审结”等栏目", tt.line_of(a)))
    lines = [c.line for r in rows for c in r.cells if c.line]
    layout = "run-together" if any(c.inferred in ("digits", "split") for r in rows for c in r.cells) else _layout(tt, a, b)
    return Table(key=spec.key, number=spec.number, title=spec.title, template=tpl.key, layout=layout,
                 line=tt.line_of(a), end_line=max(lines, default=tt.line_of(max(a, b - 1))), rows=tuple(rows),
                 missing=() if rows else tuple(r.key for r in g.rows), problems=tuple(problems),
                 resolved=tuple(resolved), spec=spec, columns_used=((g.key, cols),))


_HEAD = re.compile(r"结果维持|结果纠正|其他结果|尚未审结|未经复议直接起诉|复议后起诉|行政复议|行政诉讼|总计|结果|维持|纠正|其他|尚未|审结")


def _header_end(tt: TableText, a: int, b: int) -> int | None:
    """End of the column headings of 四: the last heading word before the first number after them."""
    end = None
    pos = a
    for m in _HEAD.finditer(tt.text, a, b):
        if end is not None and re.search(r"\d", tt.text[pos : m.start()]):
            break
        end = pos = m.end()
    return end


def _flat_relations(g: GroupSpec) -> tuple[Relation, ...]:
    """The per-row relations of 四 restated over its 15 cells read as one sequence."""
    out = []
    for rel in g.relations:
        if rel.axis != "row" or rel.kind != "sum":
            continue
        for r in g.rows:
            out.append(Relation(kind="sum", axis="row", label=rel.label, total=f"{r.key}.{rel.total}",
                                parts=tuple(f"{r.key}.{p}" for p in rel.parts)))
    return tuple(out)
