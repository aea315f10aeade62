"""Reading the statutory tables from a document's cells (the public API is ``tables.read_tables``).

Long (about 450 lines) because it is one algorithm whose steps share state; each step is a
function with its own docstring:

1. ``_regions``: where each table is (its title, the first row label, up to the next table).
2. ``occurrences`` / ``chain``: every place a row label of the template occurs, then the longest
   chain of them in the format's row order (labels out of order are stray copies or detached).
3. ``zone_values``: the values written after a label, up to the next label or text; in tables laid
   out as rows, only on the label's own line.
4. ``resolve``: those values as the row's cells: whole-cell numbers in order; empty cells placed by
   the header's column positions; digits that run together cut where only one cut is possible (or
   only one satisfies the row's relations).
5. ``fill_by_order``: lines of numbers without a label (a PDF-to-Markdown table whose labels
   stand apart) placed into the rows without numbers between two read rows, in the format's
   order, only when the counts match exactly.
6. ``resolve_jointly``: rows whose digits still have several cuts, where the format states an
   exact relation between rows (统计表: total = sum of channels).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Mapping, Sequence

from textcheck.analysis._table_model import (
    Column, GroupSpec, Problem, Relation, Row, RowSpec, Table, Tables, TableSpec, Template, expected_template,
)
from textcheck.analysis._table_rows import (
    COUNT_WORDS, RowPattern, RowRead, ambiguous_reason, fill_by_order, header_positions, label_chain,
    label_occurrences, next_stop, resolve, resolve_jointly, row_fit, row_pattern, stop_positions, written, zone_values,
)
from textcheck.analysis._table_text import TableText, Tok, compact

_END = re.compile(r"存在的主要问题|其他需要报告的事项|改进情况|存在问题")
_GROUP_HEADS = r"本年度办理结果|不予公开|无法提供|不予处理|申请人情况|法人或其他组织|第二十条第|信息内容|其中[:：]"
_WINDOW = 6000


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
    pats = [row_pattern(r) for _, r in spec.rows if r.match]
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
    stop_pats = [row_pattern(r) for spec in tpl.tables for _, r in spec.rows if r.match]
    literals = sorted({compact(c.label) for spec in tpl.tables for g in spec.groups for c in g.columns
                       if len(compact(c.label)) >= 4} | {compact(spec.title) for spec in tpl.tables}, key=len)
    stop_pats.append(RowPattern("|".join([_GROUP_HEADS] + [re.escape(x) for x in literals])))
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
                   stop_pats: list[RowPattern], cumulative: bool) -> Table:
    a, c, b = region
    stops = stop_positions(tt, stop_pats, a, b)
    layout = _layout(tt, c, b)
    problems: list[Problem] = []
    resolved: list[str] = []
    reads: list[RowRead] = []
    columns_used = []
    run_together = 0
    with_values = 0
    prose: list[int] = []
    for g in spec.groups:
        cols = g.cumulative_columns if cumulative and g.cumulative_columns else g.columns
        columns_used.append((g.key, cols))
        occs = label_occurrences(tt, g, c, b)
        chain = label_chain(occs, row_fit(tt, occs, stops, b, layout, len(cols)))
        header = header_positions(tt, cols, a, chain[0].start if chain else b)
        g_reads = [RowRead(spec=r, group=g, index=i) for i, r in enumerate(g.rows)]
        for occ in chain:
            rr = g_reads[occ.index]
            rr.occ = occ
            end = next_stop(stops, occ.end, b)
            if layout == "rows":
                nl = tt.text.find("\n", occ.end)
                end = min(end, nl if nl >= 0 else b)
            values, surplus = zone_values(tt, occ.end, end, len(cols), layout)
            if any(v.kind == "digits" for v in values):
                run_together += 1
            if values:
                with_values += 1
                last = values[-1]
                after = last.start + len(last.text) + len(last.unit)
                if tt.text[after : after + 1] in COUNT_WORDS:
                    prose.append(last.line)
            resolve(tt, rr, values, cols, g, header, problems, spec.key)
            for extra in surplus:
                problems.append(Problem(spec.key, rr.spec.key, "该行之后还有一组数字，无法确定属于哪一行",
                                        extra[0].line if extra else None))
        if layout == "rows":
            fill_by_order(tt, spec, g, g_reads, cols, a, b, stops, header, problems)
        reads.extend(g_reads)
    if prose and len(prose) * 2 >= with_values:
        line = prose[0]
        return Table(key=spec.key, number=spec.number, title=spec.title, template=tpl.key, layout="narrative",
                     line=tt.line_of(a), end_line=max(prose), rows=(), problems=(Problem(
                         spec.key, "", "该部分用文字叙述（“本年新收…件”），没有按格式列出表格，无法逐项核对", line, "narrative"),),
                     spec=spec, columns_used=tuple(columns_used))
    resolve_jointly(spec, reads, problems, resolved, columns_used)
    rows = tuple(Row(key=r.spec.key, group=r.group.key, label=r.spec.label,
                     written=written(tt, r.occ), line=r.occ and tt.line_of(r.occ.start) or (r.cells[0].line if r.cells else None),
                     cells=tuple(r.cells))
                 for r in reads if r.cells or r.occ)
    for r in reads:
        if r.candidates:
            problems.append(Problem(spec.key, r.spec.key, ambiguous_reason(r), r.cand_line))
    missing = () if tpl.statistical_table else tuple(
        r.spec.key for r in reads if not r.spec.alternative and not r.cells and not r.occ)
    lines = [c.line for r in rows for c in r.cells if c.line] + [r.line for r in rows if r.line]
    lay = "statistical" if tpl.statistical_table else ("run-together" if run_together > len(rows) / 2 else layout)
    return Table(key=spec.key, number=spec.number, title=spec.title, template=tpl.key, layout=lay,
                 line=min(lines, default=tt.line_of(a)), end_line=max(lines, default=tt.line_of(max(a, b - 1))),
                 rows=rows, missing=missing, problems=tuple(problems), resolved=tuple(resolved), spec=spec,
                 columns_used=tuple(columns_used))




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
        values, _ = zone_values(tt, start, b, n, "rows")
        if values:
            last = values[-1]
            after = last.start + len(last.text) + len(last.unit)
            if tt.text[after : after + 1] in COUNT_WORDS or (len(values) == 1 and tt.text[after : after + 1] in ",，;；、。"):
                return Table(key=spec.key, number=spec.number, title=spec.title, template=tpl.key, layout="narrative",
                             line=tt.line_of(a), end_line=last.line, rows=(), problems=(Problem(
                                 spec.key, "", "该部分用文字叙述，没有按格式列出表格，无法逐项核对", last.line, "narrative"),),
                             spec=spec, columns_used=((g.key, cols),))
        flat = RowSpec("all", "", "")
        fake = GroupSpec(g.key, g.caption, tuple(
            Column(f"{r.key}.{c.key}", c.label, c.kind, c.unit) for r in g.rows for c in cols), (flat,),
            _flat_relations(g))
        rr = RowRead(spec=flat, group=fake, index=0)
        resolve(tt, rr, values, fake.columns, fake, None, problems, spec.key)
        if rr.candidates:
            problems.append(Problem(spec.key, "", ambiguous_reason(rr), rr.cand_line))
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
