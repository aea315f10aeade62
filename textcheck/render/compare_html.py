"""One self-contained HTML page for ``textcheck compare --format html``.

Old and new reports side by side, paragraph by paragraph as aligned, identical stretches
highlighted, per-section ratios at the top. Inline CSS, no scripts, no external resources.
Every piece of report text goes through ``html.escape``. No analysis here.
"""

from __future__ import annotations

from html import escape

from textcheck.analysis.alignment import NO_SECTION, NO_SECTION_TITLE
from textcheck.compare import CompareResult
from textcheck.parse import SECTION_TITLE, SECTIONS

_CSS = """
body{font-family:"Microsoft YaHei","PingFang SC","Noto Sans CJK SC","Source Han Sans SC",sans-serif;margin:1.5em;color:#222;line-height:1.7}
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ddd;padding:.4em .6em;vertical-align:top;text-align:left}
th{background:#f4f4f4}.num{text-align:right;white-space:nowrap}
.side td{width:50%}.loc{color:#666;font-size:.85em;display:block}
mark{background:#ffd6d6;color:inherit}.hi{color:#b00020;font-weight:bold}.mid{color:#a66300}.lo{color:#1b7a1b}
.note{background:#fff7d6;border:1px solid #e6c200;padding:.6em;margin:.6em 0}
.err{color:#b00020}.warn{color:#a66300}.empty{color:#999}
.moved{color:#0060a0;font-size:.85em}
"""


def _pct(x):
    return "—" if x is None else f"{x:.1%}"


def _cls(x):
    x = x or 0
    return "hi" if x >= 0.6 else "mid" if x >= 0.3 else "lo"


def _marked(text: str, spans) -> str:
    out, pos = [], 0
    for a, b in spans:
        out.append(escape(text[pos:a]))
        out.append("<mark>" + escape(text[a:b]) + "</mark>")
        pos = b
    out.append(escape(text[pos:]))
    return "".join(out)


def _lines(p) -> str:
    return f"第 {p.line} 行" if p.line == p.end_line else f"第 {p.line}–{p.end_line} 行"


def render(result: CompareResult) -> str:
    cmp = result.comparison
    old, new = result.old, result.new
    h = ['<!DOCTYPE html>', '<html lang="zh-CN">', "<head>", '<meta charset="utf-8">',
         '<meta name="viewport" content="width=device-width, initial-scale=1">',
         "<title>年度报告对照：" + escape(new.identity.issuer or new.path) + "</title>",
         "<style>" + _CSS + "</style>", "</head>", "<body>", "<h1>年度报告对照（上年内容沿用情况）</h1>"]
    h.append("<table><tr><th></th><th>文件</th><th>发布机关</th><th>年度</th></tr>")
    for label, d in (("旧报告", old), ("新报告", new)):
        h.append(f"<tr><td>{label}</td><td>{escape(d.path)}</td><td>{escape(d.identity.issuer or '未识别')}</td>"
                 f"<td>{escape(str(d.identity.year or '未识别'))}</td></tr>")
    h.append("</table>")
    for note in result.notices:
        h.append(f'<p class="note">{escape(note)}</p>')

    h.append("<h2>沿用比例</h2><p>新报告正文中逐字来自旧报告的文字所占比例（连续 8 字以上相同才计入；表格另计）。</p>")
    h.append('<table><tr><th>部分</th><th class="num">不含模板用语</th><th class="num">含模板用语</th></tr>')
    for s in result.sections:
        if not s["chars_incl"]:
            h.append(f'<tr><td>{escape(s["title"])}</td><td class="num empty" colspan="2">'
                     f'{"该部分无正文" if s["present"] else "缺少该部分"}</td></tr>')
            continue
        h.append(f'<tr><td>{escape(s["title"])}</td><td class="num {_cls(s["ratio"])}">{_pct(s["ratio"])}'
                 f'（{s["copied"]}/{s["chars"]} 字）</td><td class="num">{_pct(s["ratio_incl"])}'
                 f'（{s["copied_incl"]}/{s["chars_incl"]} 字）</td></tr>')
    t = result.total
    h.append(f'<tr><th>全文</th><th class="num {_cls(t["ratio"])}">{_pct(t["ratio"])}（{t["copied"]}/{t["chars"]} 字）</th>'
             f'<th class="num">{_pct(t["ratio_incl"])}（{t["copied_incl"]}/{t["chars_incl"]} 字）</th></tr></table>')
    if result.tables:
        h.append("<p>表格（逐个单元格对照）：</p><ul>")
        for tab in result.tables:
            h.append(f"<li>{escape(tab['section'])}：对照 {tab['compared']} 个数字单元格，相同 {tab['identical']} 个"
                     f"（其中非零 {tab['identical_nonzero']} 个），不同 {tab['changed']} 个</li>")
        h.append("</ul>")

    if result.findings:
        h.append("<h2>问题</h2><table><tr><th>位置（新报告）</th><th>级别</th><th>说明</th><th>建议</th></tr>")
        for f in result.findings:
            where = f"第 {f.line} 行" if f.line == f.end_line else f"第 {f.line}–{f.end_line} 行"
            cls = "err" if f.severity.value == "error" else "warn"
            rel = "".join(f'<span class="loc">对照旧报告第 {r.line}–{r.end_line} 行</span>' for r in f.related)
            h.append(f"<tr><td>{escape(f.section or '全文')}<br>{where}</td><td class=\"{cls}\">{escape(f.severity.label)}"
                     f"<br><small>{escape(f.rule)}</small></td><td>{escape(f.message)}{rel}</td><td>{escape(f.suggestion)}</td></tr>")
        h.append("</table>")

    # side by side, section by section in the new report's order
    old_used = cmp.paired_old
    order = [k for k, _ in SECTIONS] + [NO_SECTION]
    h.append("<h2>逐段对照</h2><p>左：旧报告；右：新报告。<mark>标红</mark>的是两份报告逐字相同的文字。</p>")
    for key in [NO_SECTION] + order[:-1]:
        news = [n for n in cmp.new_paras if n.section == key]
        olds_left = [o for o in cmp.old_paras if o.section == key and o.index not in old_used]
        if not news and not olds_left:
            continue
        h.append(f"<h2>{escape(SECTION_TITLE.get(key, NO_SECTION_TITLE))}</h2>")
        h.append('<table class="side"><tr><th>旧报告</th><th>新报告</th></tr>')
        for n in news:
            pair = cmp.pairs.get(n.index)
            copy = cmp.copies.get(n.index)
            if pair:
                o = cmp.old_paras[pair.old]
                extra = f'<span class="moved">相似度 {pair.similarity:.0f}%' + ("，顺序有调整" if pair.moved else "") + "</span>"
                left = f'<span class="loc">{_lines(o)}</span>{_marked(o.text, pair.old_spans)}'
            else:
                extra = ""
                left = '<span class="empty">（无对应段落）</span>'
            spans = copy.spans if copy else ()
            right = f'<span class="loc">{_lines(n)} {extra}</span>{_marked(n.text, spans)}'
            h.append(f"<tr><td>{left}</td><td>{right}</td></tr>")
        for o in olds_left:
            h.append(f'<tr><td><span class="loc">{_lines(o)}</span>{escape(o.text)}</td>'
                     f'<td><span class="empty">（新报告中没有对应段落）</span></td></tr>')
        h.append("</table>")
    h.append("<p><small>由 textcheck compare 生成。</small></p></body></html>")
    return "\n".join(h) + "\n"
