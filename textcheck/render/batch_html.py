"""Batch HTML: ``index.html`` (sortable overview, copy groups) and one page per report.

Self-contained (inline CSS and JS, no network), ``lang="zh-CN"``. Everything that comes from a
report (paths, names, text) goes through ``html.escape``.
"""

from __future__ import annotations

from html import escape
from typing import Any

from textcheck.batch.score import SCORE_LABEL
from textcheck.finding import Severity
from textcheck.render.batch_tables import LEVEL_LABEL

_CSS = """
body{font-family:"Microsoft YaHei","PingFang SC","Noto Sans CJK SC",sans-serif;margin:1.5em;color:#222}
table{border-collapse:collapse;font-size:14px}th,td{border:1px solid #ccc;padding:3px 6px;vertical-align:top}
th{background:#f0f0f0;cursor:pointer;position:sticky;top:0}td.n{text-align:right}
.error{background:#fde2e1}.warning{background:#fff4cc}.info{background:#e8f0fe}
.sev-error{color:#b00020;font-weight:bold}.sev-warning{color:#8a6d00;font-weight:bold}.sev-info{color:#1a56b0}
pre.text{white-space:pre-wrap;font-family:inherit;line-height:1.6}
.ln{display:inline-block;width:4em;color:#999;text-align:right;margin-right:1em;user-select:none}
.line{display:block}.line:target{outline:2px solid #b00020}
.muted{color:#777}.box{border:1px solid #ddd;padding:.5em 1em;margin:.5em 0}
"""

_SORT_JS = """
document.querySelectorAll('table.sortable th').forEach(function(th,i){
 th.addEventListener('click',function(){
  var tb=th.closest('table').tBodies[0],rows=Array.from(tb.rows),asc=th.dataset.asc!=='1';
  th.closest('tr').querySelectorAll('th').forEach(function(h){h.dataset.asc='';});th.dataset.asc=asc?'1':'0';
  rows.sort(function(a,b){
   var x=a.cells[i].dataset.v!==undefined?a.cells[i].dataset.v:a.cells[i].textContent,
       y=b.cells[i].dataset.v!==undefined?b.cells[i].dataset.v:b.cells[i].textContent;
   var nx=parseFloat(x),ny=parseFloat(y);
   if(x===''&&y!=='')return 1;if(y===''&&x!=='')return -1;
   var c=(!isNaN(nx)&&!isNaN(ny))?nx-ny:x.localeCompare(y,'zh-CN');return asc?c:-c;});
  rows.forEach(function(r){tb.appendChild(r);});});});
"""

def page_name(index: int, total: int) -> str:
    width = max(3, len(str(total)))
    return f"{index + 1:0{width}d}.html"


def _page(title: str, body: str, script: str = "") -> str:
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n{body}\n"
        + (f"<script>{script}</script>\n" if script else "")
        + "</body>\n</html>\n"
    )


def _fmt_ratio(r: float | None) -> str:
    return "" if r is None else f"{r * 100:.1f}%"


def render_index(result) -> str:
    st = result.stats
    total = len(result.reports)
    parts = [
        "<h1>政府信息公开工作年度报告批量检查结果</h1>",
        f'<p>共 {st["files"]} 个文件：年度报告 {st["reports"]} 份，不是年度报告 {st["not_reports"]} 个，'
        f'无法读取 {st["unreadable"]} 个；发现雷同组 {st["copy_groups"]} 个。'
        '点击表头可排序。评分规则见 docs/scoring.md。</p>',
        '<table class="sortable"><thead><tr>',
    ]
    cols = ["序号", "文件", "发布机关", "层级", "年度", "得分", "状态", "错误", "警告", "提示", "抄袭比例", "雷同组"]
    parts.append("".join(f"<th>{escape(c)}</th>" for c in cols))
    parts.append("</tr></thead><tbody>")
    for k, r in enumerate(result.reports):
        link = f'reports/{page_name(k, total)}'
        score = "" if r["score"] is None else f'{r["score"]:.1f}'
        cells = [
            f'<td class="n">{k + 1}</td>',
            f'<td><a href="{escape(link)}">{escape(r["path"])}</a></td>',
            f'<td>{escape(r["issuer"] or "")}</td>',
            f'<td>{escape(LEVEL_LABEL.get(r["level"] or "", r["level"] or ""))}</td>',
            f'<td class="n">{escape(str(r["year"] or ""))}</td>',
            f'<td class="n" data-v="{score}">{score}</td>',
            f'<td title="{escape(r["error"] or "")}">{escape(r["status_label"])}</td>',
            f'<td class="n">{r["summary"]["error"]}</td>',
            f'<td class="n">{r["summary"]["warning"]}</td>',
            f'<td class="n">{r["summary"]["info"]}</td>',
            f'<td class="n" data-v="{"" if r["copy_ratio"] is None else r["copy_ratio"]}">{_fmt_ratio(r["copy_ratio"])}</td>',
            f'<td>{escape("、".join(r["groups"]))}</td>',
        ]
        parts.append("<tr>" + "".join(cells) + "</tr>")
    parts.append("</tbody></table>")
    parts.append(_groups_html(result, prefix="reports/", only=None))
    return _page("批量检查结果", "\n".join(parts), _SORT_JS)


def _groups_html(result, *, prefix: str, only: set[str] | None) -> str:
    index = result.index_of
    total = len(result.reports)
    if only is None:
        groups = result.groups
    else:
        groups = [result.groups[k] for k in sorted(result.group_position[g] for g in only)]
    if not groups:
        return "<h2>内容雷同的报告组</h2><p>未发现不同单位之间内容雷同的段落。</p>" if only is None else ""
    out = ["<h2>内容雷同的报告组</h2>",
           "<p class=\"muted\">同一组的报告之间有基本相同的段落（模板用语和大量单位共有的通用段落不计）。</p>"]
    for g in groups:
        out.append(f'<div class="box" id="{escape(g["id"])}"><h3>{escape(g["id"])}：{len(g["reports"])} 份报告'
                   f'（{escape("、".join(g["issuers"]))}）</h3><ul>')
        for p in g["reports"]:
            out.append(f'<li><a href="{escape(prefix + page_name(index[p], total))}">{escape(p)}</a></li>')
        out.append("</ul><p>相同的段落：</p><ol>")
        for s in g["shared"][:50]:
            locs = "；".join(
                f'<a href="{escape(prefix + page_name(index[loc["path"]], total))}#L{loc["line"]}">'
                f'{escape(loc["path"])} 第 {loc["line"]} 行</a>'
                for loc in s["locations"]
            )
            out.append(f"<li>{escape(s['text'])}<br><span class=\"muted\">{locs}</span></li>")
        if len(g["shared"]) > 50:
            out.append(f"<li>……共 {len(g['shared'])} 段</li>")
        out.append("</ol></div>")
    return "\n".join(out)


def render_report(result, k: int) -> str:
    r: dict[str, Any] = result.reports[k]
    total = len(result.reports)
    index = result.index_of
    parts = [
        '<p><a href="../index.html">← 返回总览</a></p>',
        f"<h1>{escape(r['path'])}</h1>",
        f"<p>发布机关：{escape(r['issuer'] or '（未识别）')}　年度：{escape(str(r['year'] or '（未识别）'))}"
        f"　状态：{escape(r['status_label'])}"
        + (f"　得分：<b>{r['score']:.1f}</b>" if r["score"] is not None else "")
        + (f"　抄袭比例：{_fmt_ratio(r['copy_ratio'])}" if r["copy_ratio"] is not None else "")
        + "</p>",
    ]
    if r["error"]:
        parts.append(f"<p class=\"sev-error\">{escape(r['error'])}</p>")
    if r["breakdown"]:
        parts.append("<h2>评分明细</h2><table><tr><th>项目</th><th>得分</th></tr>")
        for key, pts in r["breakdown"].items():
            parts.append(f"<tr><td>{escape(SCORE_LABEL.get(key, key))}</td><td class=\"n\">{pts:.1f}</td></tr>")
        parts.append("</table>")
    if r["findings"]:
        parts.append(f"<h2>问题（{len(r['findings'])} 条）</h2><ol>")
        for f in r["findings"]:
            where = f'<a href="#L{f.line}">第 {f.line} 行</a>' if f.line else ""
            rel = ""
            for x in f.related:
                if x.path and x.path in index:
                    rel += (f'<br><span class="muted">↔ <a href="{escape(page_name(index[x.path], total))}#L{x.line}">'
                            f'{escape(x.path)} 第 {x.line} 行</a>：{escape(x.text or "")}</span>')
                elif x.line:
                    rel += f'<br><span class="muted">↔ <a href="#L{x.line}">第 {x.line} 行</a></span>'
            parts.append(
                f'<li><span class="sev-{escape(f.severity.value)}">{escape(f.severity.label)}</span> '
                f'[{escape(f.rule)}] {where} {escape(f.message)}<br>'
                f'<span class="muted">建议：{escape(f.suggestion)}</span>{rel}</li>'
            )
        parts.append("</ol>")
    parts.append(_groups_html(result, prefix="", only=set(r["groups"])))
    if r["lines"]:
        marks: dict[int, Severity] = {}
        titles: dict[int, list[str]] = {}
        for f in r["findings"]:
            if not f.line:
                continue
            for ln in range(f.line, (f.end_line or f.line) + 1):
                if ln not in marks or f.severity.rank > marks[ln].rank:
                    marks[ln] = f.severity
                titles.setdefault(ln, []).append(f.rule)
        parts.append("<h2>原文</h2><pre class=\"text\">")
        for n, line in enumerate(r["lines"], 1):
            cls = f"line {marks[n].value}" if n in marks else "line"
            title = f' title="{escape("、".join(dict.fromkeys(titles[n])))}"' if n in titles else ""
            parts.append(f'<span class="{cls}" id="L{n}"{title}><span class="ln">{n}</span>{escape(line)}</span>')
        parts.append("</pre>")
    return _page(r["path"], "\n".join(parts))
