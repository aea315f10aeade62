"""Plain-language text of ``textcheck compare``: ratios per section, carried-over paragraphs, findings.

Produces rich markup (the CLI prints it with colour on a TTY and plain otherwise). No analysis here.
"""

from __future__ import annotations

from rich.markup import escape

from textcheck.analysis.alignment import NO_SECTION_TITLE
from textcheck.compare import CompareResult
from textcheck.parse import SECTION_TITLE
from textcheck.render.locations import line_label
from textcheck.render.text import findings_by_section
from textcheck.render.wrap import cell_width, clip, ljust, measuring, screen, visible, wrap


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x:.1%}"


def _who(doc) -> str:
    ident = doc.identity
    bits = [ident.issuer or "发布机关未识别", f"{ident.year} 年度" if ident.year else "年度未识别"]
    return "，".join(bits)


def _span(doc, line: int, end: int) -> str:
    return line_label(doc, line, end)


def ratio_table(result: CompareResult, width: int | None = None) -> list[str]:
    """The ratio of each section, columns aligned in display width (a Chinese character is two);
    narrower than ``width`` columns by leaving out the character counts when they do not fit."""
    lines = _ratio_table(result, counts=True)
    if width and max(cell_width(plain_text(x)) for x in lines) > width:
        lines = _ratio_table(result, counts=False)
    return lines


def plain_text(markup: str) -> str:
    from rich.text import Text

    return Text.from_markup(markup).plain


def _ratio_table(result: CompareResult, counts: bool) -> list[str]:
    def _ratio_cell(ratio, copied: int, chars: int) -> str:
        return f"{_pct(ratio)}（{copied}/{chars} 字）" if counts else _pct(ratio)

    head = ("部分", "不含模板用语", "含模板用语")
    rows = []  # (title, cell, cell, style of the first cell, dim note)
    for s in result.sections:
        if not s["chars_incl"]:
            rows.append((s["title"], "（该部分无正文）" if s["present"] else "（缺少该部分）", "", None, True))
            continue
        r = s["ratio"] or 0
        style = "bold red" if r >= 0.6 else ("yellow" if r >= 0.3 else "green")
        rows.append((s["title"], _ratio_cell(s["ratio"], s["copied"], s["chars"]),
                     _ratio_cell(s["ratio_incl"], s["copied_incl"], s["chars_incl"]), style, False))
    t = result.total
    rows.append(("全文", _ratio_cell(t["ratio"], t["copied"], t["chars"]),
                 _ratio_cell(t["ratio_incl"], t["copied_incl"], t["chars_incl"]), "bold", False))
    w0 = max(cell_width(visible(x[0])) for x in [head, *rows])
    w1 = max(cell_width(x[1]) for x in [head, *rows])
    out = [f"  {ljust(head[0], w0)}  {ljust(head[1], w1)}  {head[2]}"]
    for title, c1, c2, style, note in rows:
        first = escape(ljust(visible(title), w0))
        if title == "全文":
            first = f"[bold]{first}[/]"
        if note:
            out.append(f"  {first}  [dim]{escape(c1)}[/]")
        else:
            out.append(f"  {first}  [{style}]{escape(c1)}[/]{' ' * (w1 - cell_width(c1))}  {escape(c2)}")
    return out


def render(result: CompareResult, width: int | None = None) -> str:
    """The comparison's text; ``width`` None: for standard output (``wrap.screen``)."""
    width, ambiguous = screen() if width is None else (width, 1)
    with measuring(ambiguous):
        return _render(result, width)


def _render(result: CompareResult, width: int) -> str:
    cmp = result.comparison
    out = wrap([("年度报告对照（上年内容沿用情况）", "bold")], width)
    out += wrap(f"旧：{result.old.path}（{_who(result.old)}）", width, indent=2, hang=6)
    out += wrap(f"新：{result.new.path}（{_who(result.new)}）", width, indent=2, hang=6)
    for note in result.notices:
        out += wrap([("注意：", "bold yellow"), (note, None)], width, indent=2, hang=8)
    out.append("")
    out += wrap([("沿用比例", "bold"), ("（新报告正文中逐字来自旧报告的文字所占比例；连续 8 字以上相同才计入）", None)],
                width, indent=1, hang=3)
    out += ratio_table(result, width)
    for tab in result.tables:
        out += wrap(f"表格·{tab['section']}：对照 {tab['compared']} 个数字单元格，与旧报告相同 {tab['identical']} 个"
                    f"（其中非零 {tab['identical_nonzero']} 个），不同 {tab['changed']} 个", width, indent=2, hang=4)

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
        sec = SECTION_TITLE.get(n.section, NO_SECTION_TITLE)
        pieces = [(f"新 {_span(result.new, n.line, n.end_line)} ← 旧 {where_old}", None), ("  ", None), (sec, "dim", True),
                  ("  ", None), (f"沿用 {copied} 字（{share:.0%}{sim}）", None, True)]
        if pair and pair.moved:
            pieces += [("，", None), ("顺序有调整", "cyan", True)]
        out += wrap(pieces, width, indent=2, hang=6)
        out.append("      " + escape(clip(" ".join(n.block.raw.split()), width - 6)))

    out.append("")
    if not result.findings:
        out.append(" [green]未发现问题。[/]")
    else:
        out.append(" [bold]问题[/]")
        out.extend(findings_by_section(result.findings, gap=False, width=width))
    return "\n".join(out) + "\n"
