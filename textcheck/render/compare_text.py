"""Plain-language text of ``textcheck compare``: ratios per section, carried-over paragraphs, findings.

Produces rich markup (the CLI prints it with colour on a TTY and plain otherwise). No analysis here.
"""

from __future__ import annotations

from rich.markup import escape

from textcheck.analysis.alignment import NO_SECTION_TITLE
from textcheck.compare import CompareResult
from textcheck.document import shorten
from textcheck.parse import SECTION_TITLE
from textcheck.render.locations import line_label
from textcheck.render.text import findings_by_section


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x:.1%}"


def _who(doc) -> str:
    ident = doc.identity
    bits = [ident.issuer or "发布机关未识别", f"{ident.year} 年度" if ident.year else "年度未识别"]
    return "，".join(bits)


def _span(doc, line: int, end: int) -> str:
    return line_label(doc, line, end)


def render(result: CompareResult) -> str:
    cmp = result.comparison
    out = ["[bold]年度报告对照（上年内容沿用情况）[/]"]
    out.append(f"  旧：{escape(result.old.path)}（{escape(_who(result.old))}）")
    out.append(f"  新：{escape(result.new.path)}（{escape(_who(result.new))}）")
    for note in result.notices:
        out.append(f"  [bold yellow]注意：[/]{escape(note)}")
    out.append("")
    out.append(" [bold]沿用比例[/]（新报告正文中逐字来自旧报告的文字所占比例；连续 8 字以上相同才计入）")
    out.append(f"  {'部分':<18}不含模板用语        含模板用语")
    for s in result.sections:
        if not s["chars_incl"]:
            label = "（该部分无正文）" if s["present"] else "（缺少该部分）"
            out.append(f"  {escape(s['title'])}  [dim]{label}[/]")
            continue
        style = "bold red" if (s["ratio"] or 0) >= 0.6 else ("yellow" if (s["ratio"] or 0) >= 0.3 else "green")
        out.append(f"  {escape(s['title'])}  [{style}]{_pct(s['ratio'])}[/]（{s['copied']}/{s['chars']} 字）"
                   f"  {_pct(s['ratio_incl'])}（{s['copied_incl']}/{s['chars_incl']} 字）")
    t = result.total
    out.append(f"  [bold]全文[/]  [bold]{_pct(t['ratio'])}[/]（{t['copied']}/{t['chars']} 字）"
               f"  {_pct(t['ratio_incl'])}（{t['copied_incl']}/{t['chars_incl']} 字）")
    for tab in result.tables:
        out.append(f"  表格·{escape(tab['section'])}：对照 {tab['compared']} 个数字单元格，与旧报告相同 {tab['identical']} 个"
                   f"（其中非零 {tab['identical_nonzero']} 个），不同 {tab['changed']} 个")

    rows = []
    for i in sorted(cmp.copies):
        rows.append((cmp.new_paras[i], cmp.copies[i].copied_chars, cmp.copies[i].olds, cmp.pairs.get(i)))
    out.append("")
    out.append(f" [bold]沿用的段落[/]（{len(rows)} 段）")
    if not rows:
        out.append("  [green]没有发现沿用旧报告的段落。[/]")
    for n, copied, olds, pair in rows:
        share = copied / max(n.chars, 1)
        where_old = "、".join(_span(result.old, cmp.old_paras[j].line, cmp.old_paras[j].end_line) for j in olds)
        sim = f"，相似度 {pair.similarity:.0f}%" if pair else ""
        moved = "，[cyan]顺序有调整[/]" if pair and pair.moved else ""
        sec = SECTION_TITLE.get(n.section, NO_SECTION_TITLE)
        out.append(f"  新 {_span(result.new, n.line, n.end_line)} ← 旧 {where_old}  [dim]{escape(sec)}[/]  "
                   f"沿用 {copied} 字（{share:.0%}{sim}）{moved}")
        out.append(f"      {escape(shorten(n.block.raw, 80))}")

    out.append("")
    if not result.findings:
        out.append(" [green]未发现问题。[/]")
    else:
        out.append(" [bold]问题[/]")
        out.extend(findings_by_section(result.findings, gap=False))
    return "\n".join(out) + "\n"
