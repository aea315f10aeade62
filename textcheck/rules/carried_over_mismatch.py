"""carried-over-mismatch (compare): last year's closing figures against this year's opening ones."""

from __future__ import annotations

from textcheck.analysis.alignment import Comparison
from textcheck.analysis.tables import excerpt
from textcheck.finding import Related
from textcheck.rules import Context, Hit, rule


def _num(c):
    return c.value if c is not None and c.status == "number" else None


@rule(
    "carried-over-mismatch",
    name="结转数接不上",
    severity="warning",
    summary="上年“结转下年度继续办理”与本年“上年结转”不一致，或现行有效件数接不上",
    category="tables",
    scope="compare",
)
def carried_over_mismatch(cmp: Comparison, ctx: Context):
    """What：对照同一单位相邻两年的报告：上年表三“结转下年度继续办理”与本年“上年结转政府信息公开申请数量”
    应相同（逐栏）；2021 年版格式下，规章、行政规范性文件的“上年现行有效件数 + 本年制发件数 - 本年废止件数”
    应等于本年“现行有效件数”；2019 年版格式下，“上年对外公开总数量 + 本年新公开数量”应等于本年“对外公开
    总数量”（该格式没有废止栏，把握程度较低）；2019 年以前的统计表，“上年历年累计 + 本年度数”应等于本年“历年累计”。

    不报：不是相邻年度或不是同一单位的两份报告；两年格式不同的（如 2019 年版与 2021 年版的主动公开表）；
    任一单元格读不准。

    Why：上年结转下来的申请就是本年的上年结转，现行有效件数逐年接续；接不上说明有一年的数据填错了。

    Example：2020 年报告结转下年度 2 件，2021 年报告上年结转填了 0。
    """
    if cmp.same_issuer is False or cmp.old_year is None or cmp.new_year != cmp.old_year + 1:
        return
    old, new = ctx.tables(cmp.old), ctx.tables(cmp.new)
    o_req, n_req = old.get("requests"), new.get("requests")
    if o_req and n_req and old.template in ("2019", "2021") and new.template in ("2019", "2021"):
        diffs = []
        for col in ("total",) + tuple(c.key for c in n_req.columns("requests") if c.key != "total"):
            oc, nc = o_req.cell("carried_over", col), n_req.cell("carried_in", col)
            if _num(oc) is not None and _num(nc) is not None and _num(oc) != _num(nc):
                diffs.append((col, oc, nc))
        if diffs:
            col, oc, nc = diffs[0]
            names = "、".join(n_req.column_label(c) for c, _, _ in diffs)
            yield Hit(
                message=(f"{cmp.old_name}“结转下年度继续办理”为 {oc.value}（“{n_req.column_label(col)}”栏），"
                         f"本年“上年结转政府信息公开申请数量”却为 {nc.value}；不一致的栏目：{names}"),
                suggestion="本年的“上年结转”应等于上年报告的“结转下年度继续办理”，请核对两年的数据。",
                line=nc.line, end_line=nc.line, text=excerpt(cmp.new.norm_lines, [nc]), section="requests",
                related=(Related(line=oc.line, end_line=oc.line, text=excerpt(cmp.old.norm_lines, [oc]),
                                 path=cmp.old.path, section="requests"),),
                evidence={"columns": [c for c, _, _ in diffs],
                          "old": {c: str(o.value) for c, o, _ in diffs}, "new": {c: str(n.value) for c, _, n in diffs}},
            )
    o_act, n_act = old.get("active"), new.get("active")
    if o_act and n_act and old.template == new.template == "2021":
        for row in ("regulations", "normative_documents"):
            prev = _num(o_act.cell(row, "in_force"))
            got = [_num(n_act.cell(row, k)) for k in ("issued", "repealed", "in_force")]
            if prev is None or any(v is None for v in got):
                continue
            issued, repealed, now = got
            if prev + issued - repealed != now:
                c = n_act.cell(row, "in_force")
                oc = o_act.cell(row, "in_force")
                label = n_act.row_label(row)
                yield Hit(
                    message=(f"“{label}”现行有效件数接不上：{cmp.old_name} {prev} + 本年制发 {issued} - 本年废止 {repealed}"
                             f" = {prev + issued - repealed}，但本年现行有效为 {now}"),
                    suggestion="核对两年的现行有效件数和本年制发、废止件数。",
                    line=c.line, end_line=c.line, text=excerpt(cmp.new.norm_lines, [c]), section="active",
                    related=(Related(line=oc.line, end_line=oc.line, text=excerpt(cmp.old.norm_lines, [oc]),
                                     path=cmp.old.path, section="active"),),
                    evidence={"row": row, "old_in_force": str(prev), "issued": str(issued), "repealed": str(repealed),
                              "in_force": str(now)},
                )
    if o_act and n_act and old.template == new.template == "2019":
        for row in ("regulations", "normative_documents"):
            prev, added, now = (_num(o_act.cell(row, "published_total")), _num(n_act.cell(row, "new_published")),
                                _num(n_act.cell(row, "published_total")))
            if prev is None or added is None or now is None or prev + added == now:
                continue
            c, oc = n_act.cell(row, "published_total"), o_act.cell(row, "published_total")
            yield Hit(
                message=(f"“{n_act.row_label(row)}”对外公开总数量接不上：{cmp.old_name} {prev} + 本年新公开 {added} = "
                         f"{prev + added}，但本年对外公开总数量为 {now}"),
                suggestion="核对两年的对外公开总数量；2019 年版格式没有废止栏，如有文件失效不再公开，请在报告中说明。",
                line=c.line, end_line=c.line, text=excerpt(cmp.new.norm_lines, [c]), section="active",
                confidence=0.7,
                related=(Related(line=oc.line, end_line=oc.line, text=excerpt(cmp.old.norm_lines, [oc]),
                                 path=cmp.old.path, section="active"),),
                evidence={"row": row, "old_published_total": str(prev), "new_published": str(added),
                          "published_total": str(now)},
            )
    if old.template == new.template == "2017":
        for n_t in new.tables:
            o_t = old.get(n_t.key)
            if o_t is None:
                continue
            for r in n_t.rows:
                prev, annual, cum = (_num(o_t.cell(r.key, "cumulative")), _num(n_t.cell(r.key, "annual")),
                                     _num(n_t.cell(r.key, "cumulative")))
                if prev is None or annual is None or cum is None or prev + annual == cum:
                    continue
                c, oc = n_t.cell(r.key, "cumulative"), o_t.cell(r.key, "cumulative")
                yield Hit(
                    message=(f"“{n_t.row_label(r.key)}”历年累计接不上：{cmp.old_name}历年累计 {prev} + 本年度 {annual} = "
                             f"{prev + annual}，但本年历年累计为 {cum}"),
                    suggestion="核对两年统计表的历年累计数。",
                    line=c.line, end_line=c.line, text=excerpt(cmp.new.norm_lines, [c]), section=n_t.key,
                    related=(Related(line=oc.line, end_line=oc.line, text=excerpt(cmp.old.norm_lines, [oc]),
                                     path=cmp.old.path, section=n_t.key),),
                    evidence={"row": r.key, "old_cumulative": str(prev), "annual": str(annual), "cumulative": str(cum)},
                )
