"""Batch HTML: ``index.html`` (sortable overview, copy groups) and one page per report.

Self-contained (inline CSS and JS, no network), ``lang="zh-CN"``. Everything that comes from a
report (paths, names, text) goes through ``html.escape``.
"""

from __future__ import annotations

from html import escape
from typing import Any

from textcheck.batch.decisions import DISMISSED, LABEL as DECISION_LABEL
from textcheck.batch.review import region_summary
from textcheck.batch.score import SCORE_BANDS, SCORE_LABEL, score_band
from textcheck.finding import Severity
from textcheck.render.batch_tables import LEVEL_LABEL, REGION_KIND, page_name, rule_label

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
.filters{margin:.6em 0}.filters select,.filters input{font-size:14px;margin-right:.3em}
tr.sub td{font-weight:bold;background:#f7f7f7}blockquote{margin:.2em 0 .2em 0;padding-left:.6em;border-left:3px solid #ccc}
.compact{line-height:1.8}ul.compact li{display:inline-block;margin-right:1.2em}
.dismissed{opacity:.55;text-decoration:line-through}.decision{font-size:12px;border:1px solid #999;padding:0 3px;margin-left:3px}
@media print{.noprint{display:none}body{margin:0}a{color:inherit;text-decoration:none}th{position:static}}
"""

_FILTER_JS = """
(function(){var t=document.getElementById('reports');if(!t)return;
var q=document.getElementById('q'),fr=document.getElementById('f-region'),fl=document.getElementById('f-level'),
fb=document.getElementById('f-band'),fu=document.getElementById('f-rule'),shown=document.getElementById('shown');
function apply(){var s=q.value.trim().toLowerCase(),n=0,rows=t.tBodies[0].rows;
 for(var i=0;i<rows.length;i++){var d=rows[i].dataset,ok=(!s||d.q.indexOf(s)>=0)
  &&(!fr.value||d.region===fr.value||d.region.indexOf(fr.value+'/')===0)&&(!fl.value||d.level===fl.value)
  &&(!fb.value||d.band===fb.value)&&(!fu.value||(' '+d.rules+' ').indexOf(' '+fu.value+' ')>=0);
  rows[i].style.display=ok?'':'none';if(ok)n++;}
 shown.textContent='显示 '+n+' / '+rows.length+' 份';}
[q,fr,fl,fb,fu].forEach(function(e){e.addEventListener('input',apply);e.addEventListener('change',apply);});apply();})();
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



def _page(title: str, body: str, script: str = "") -> str:
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n{body}\n"
        + (f"<script>{script}</script>\n" if script else "")
        + "</body>\n</html>\n"
    )


def _fmt_ratio(r: float | None) -> str:
    return "" if r is None else f"{r * 100:.1f}%"


def _band(score: float | None) -> tuple[str, str]:
    band = score_band(score)
    return band if band else ("", "")


def _region_path(r: dict[str, Any]) -> str:
    reg = r.get("region") or {}
    return "/".join(v for v in (reg.get("province"), reg.get("city"), reg.get("county")) if v)


def has_compare_page(r: dict[str, Any]) -> bool:
    prev = r.get("previous") or {}
    return prev.get("page_html") is not None or bool(prev.get("page_file"))


def _score_cell(score: float | None) -> str:
    text = "" if score is None else f"{score:.1f}"
    label, colour = _band(score)
    style = f' style="background:#{colour}"' if colour else ""
    return f'<td class="n"{style} data-v="{text}" title="{escape(label)}">{text}</td>'


def _options(values) -> str:
    return "".join(f'<option value="{escape(v)}">{escape(v)}</option>' for v in values)


def render_index(result) -> str:
    return "".join(index_chunks(result))


def index_chunks(result):
    """index.html piece by piece, a table row at a time (a national batch's overview is never held
    whole in memory); the pieces joined are ``render_index``."""
    prefix, suffix = _page("批量检查结果", "\x00", _SORT_JS + _FILTER_JS).split("\x00")
    yield prefix
    for k, part in enumerate(_index_parts(result)):
        yield part if k == 0 else "\n" + part
    yield suffix


def _rules_of(r: dict[str, Any]) -> list[str]:
    """The rules with findings in a report, from its counts (no findings read)."""
    return sorted(rid for rid, n in r["counts"].items() if n)


def _index_parts(result):
    st = result.stats
    total = len(result.reports)
    reports = result.reports
    regions = sorted({"/".join(path.split("/")[: k + 1]) for r in reports if (path := _region_path(r))
                      for k in range(len(path.split("/")))})
    levels = sorted({r["level"] for r in reports if r["level"]}, key=lambda v: list(LEVEL_LABEL).index(v) if v in LEVEL_LABEL else 9)
    used_rules = sorted({rid for r in reports for rid in _rules_of(r)})
    yield from [
        "<h1>政府信息公开工作年度报告批量检查结果</h1>",
        f'<p>共 {st["files"]} 个文件：年度报告 {st["reports"]} 份，不是年度报告 {st["not_reports"]} 个，'
        f'无法读取 {st["unreadable"]} 个；与上年报告对照 {st.get("year_pairs", 0)} 对；重复提交 {st.get("duplicates", 0)} 份；'
        f'发现雷同组 {st["copy_groups"]} 个。点击表头可排序。评分规则见 docs/scoring.md。</p>',
        '<div class="filters noprint"><input id="q" type="search" placeholder="搜索文件名、发布机关" size="28"> '
        f'<select id="f-region"><option value="">全部地区</option>{_options(regions)}</select> '
        '<select id="f-level"><option value="">全部层级</option>'
        + "".join(f'<option value="{escape(v)}">{escape(LEVEL_LABEL.get(v, v))}</option>' for v in levels)
        + "</select> "
        '<select id="f-band"><option value="">全部分数段</option>'
        + "".join(f'<option value="{escape(label)}">{escape(label)}（{low:g} 分以上）</option>' for low, label, _ in SCORE_BANDS)
        + '<option value="-">未评分</option></select> '
        '<select id="f-rule"><option value="">全部问题类型</option>'
        + "".join(f'<option value="{escape(rid)}">{escape(rule_label(rid))}</option>' for rid in used_rules)
        + '</select> <span id="shown" class="muted"></span></div>',
        '<table class="sortable" id="reports"><thead><tr>',
    ]
    cols = ["序号", "文件", "发布机关", "地区", "层级", "年度", "得分", "状态", "错误", "警告", "提示",
            "与上年重复率", "抄袭比例", "雷同组", "待审核"]
    yield "".join(f"<th>{escape(c)}</th>" for c in cols)
    yield "</tr></thead><tbody>"
    for k, r in enumerate(reports):
        link = f'reports/{page_name(k, total)}'
        label, _ = _band(r["score"])
        rules = " ".join(_rules_of(r))
        prior = r.get("prior_ratio")
        prior_cell = _fmt_ratio(prior)
        if prior is not None and has_compare_page(r):
            prior_cell = f'<a href="compare/{page_name(k, total)}">{prior_cell}</a>'
        pending = r["pending"] if "pending" in r else sum(1 for d, _ in r.get("decisions") or [] if d == "pending")
        search = f'{r["path"]} {r["issuer"] or ""}'.lower()
        attrs = (f' data-q="{escape(search)}" data-region="{escape(_region_path(r))}" data-level="{escape(r["level"] or "")}"'
                 f' data-band="{escape(label or "-")}" data-rules="{escape(rules)}"')
        cells = [
            f'<td class="n">{k + 1}</td>',
            f'<td><a href="{escape(link)}">{escape(r["path"])}</a></td>',
            f'<td>{escape(r["issuer"] or "")}</td>',
            f'<td>{escape(_region_path(r))}</td>',
            f'<td>{escape(LEVEL_LABEL.get(r["level"] or "", r["level"] or ""))}</td>',
            f'<td class="n">{escape(str(r["year"] or ""))}</td>',
            _score_cell(r["score"]),
            f'<td title="{escape(r["error"] or "")}">{escape(r["status_label"])}</td>',
            f'<td class="n">{r["summary"]["error"]}</td>',
            f'<td class="n">{r["summary"]["warning"]}</td>',
            f'<td class="n">{r["summary"]["info"]}</td>',
            f'<td class="n" data-v="{"" if prior is None else prior}">{prior_cell}</td>',
            f'<td class="n" data-v="{"" if r["copy_ratio"] is None else r["copy_ratio"]}">{_fmt_ratio(r["copy_ratio"])}</td>',
            f'<td>{escape("、".join(r["groups"]))}</td>',
            f'<td class="n">{pending}</td>',
        ]
        yield f"<tr{attrs}>" + "".join(cells) + "</tr>"
    yield "</tbody></table>"
    yield _regions_html(result)
    yield _expected_html(result)
    yield _groups_html(result, prefix="reports/", only=None)


def _regions_html(result) -> str:
    rows = region_summary(result.reports)
    if not rows:
        return ""
    out = ["<h2>按地区汇总</h2>", '<table class="sortable"><thead><tr>'
           + "".join(f"<th>{c}</th>" for c in ("地区", "类别", "报告数", "平均得分", "最低分", "错误数", "与上年重复率超过阈值"))
           + "</tr></thead><tbody>"]
    for row in rows:
        name = "/".join(v for v in (row["province"], row["city"], row["county"]) if v) or "—"
        lowest = "" if row["lowest"] is None else f"{row['lowest']:.1f}"
        bold = ' class="sub"' if row["kind"] in ("city-total", "province-total", "total", "unplaced") else ""
        out.append(f"<tr{bold}><td>{escape(name)}</td><td>{escape(REGION_KIND[row['kind']])}</td>"
                   f'<td class="n">{row["reports"]}</td>{_score_cell(row["average"])}'
                   f'<td class="n">{lowest}</td>'
                   f'<td class="n">{row["errors"]}</td><td class="n">{row["carryover_over"]}</td></tr>')
    out.append("</tbody></table>")
    return "\n".join(out)


def _expected_html(result) -> str:
    out = []
    for e in result.expected:
        out.append(f"<h2>未提交报告的单位：{escape(e['path'])}</h2>")
        out.append(f"<p>应提交 {e['expected']} 个单位，已提交 {e['submitted']} 个，未提交 {len(e['missing'])} 个"
                   "（按行政区划统计：本批中没有任何一份报告的发布机关位于该单位）。</p>")
        if e["missing"]:
            out.append("<ul class=\"compact\">" + "".join(
                f"<li>{escape(u['name'])} <span class=\"muted\">{escape(u['code'])}</span></li>" for u in e["missing"]) + "</ul>")
    return "\n".join(out)


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
           "<p class=\"muted\">同一组的报告之间有基本相同的段落（模板用语和大量单位共有的通用段落不计）。"
           "相同的文字只列一次，后面是出现这段文字的报告和行号。</p>"]
    for g in groups:
        out.append(f'<div class="box" id="{escape(g["id"])}"><h3>{escape(g["id"])}：{len(g["reports"])} 份报告</h3>')
        members = []
        for p in g["reports"]:
            r = result.reports[index[p]]
            who = r["issuer"] or "（未识别）"
            year = f"（{r['year']}）" if r["year"] else ""
            members.append(f'<a href="{escape(prefix + page_name(index[p], total))}" title="{escape(p)}">'
                           f"{escape(who)}{escape(year)}</a>")
        out.append('<p class="compact">' + " · ".join(members) + "</p><ol>")
        for s in g["shared"][:20]:
            locs = " · ".join(
                f'<a href="{escape(prefix + page_name(index[loc["path"]], total))}#L{loc["line"]}">'
                f'{escape(result.reports[index[loc["path"]]]["issuer"] or loc["path"])} 第 {loc["line"]} 行</a>'
                for loc in s["locations"]
            )
            out.append(f"<li><blockquote>{escape(s['text'])}</blockquote><span class=\"muted\">{locs}</span></li>")
        if len(g["shared"]) > 20:
            out.append(f"<li>……共 {len(g['shared'])} 段</li>")
        out.append("</ol></div>")
    return "\n".join(out)


def _carryover_html(r: dict[str, Any], link: str | None) -> str:
    prev = r.get("previous")
    if not prev:
        return ""
    out = [f"<h2>与上年对照</h2><p>上年报告：{escape(prev['old_path'])}（{escape(str(prev.get('old_year') or ''))} 年度）"
           f"　与上年重复率（不含模板用语）：<b>{_fmt_ratio(prev.get('ratio'))}</b>"
           f"（{prev.get('copied', 0)}/{prev.get('chars', 0)} 字）　照搬上年的段落 {prev.get('carried_paragraphs', 0)} 段"
           + (f'　<a href="{escape(link)}">逐段对照</a>' if link else "") + "</p>",
           "<table><tr><th>部分</th><th>与上年重复率</th></tr>"]
    for sec in prev.get("sections") or []:
        if sec.get("chars"):
            out.append(f"<tr><td>{escape(sec['title'])}</td><td class=\"n\">{_fmt_ratio(sec['ratio'])}</td></tr>")
    out.append("</table>")
    return "\n".join(out)


def _breakdown_html(r: dict[str, Any]) -> str:
    if not r["breakdown"]:
        return ""
    out = ["<h2>评分明细</h2><table><tr><th>项目</th><th>得分</th></tr>"]
    for key, pts in r["breakdown"].items():
        out.append(f"<tr><td>{escape(SCORE_LABEL.get(key, key))}</td><td class=\"n\">{pts:.1f}</td></tr>")
    out.append(f"<tr><th>合计</th>{_score_cell(r['score'])}</tr></table>")
    return "\n".join(out)


def _decision_tag(decision: str, comment: str) -> str:
    label = DECISION_LABEL.get(decision) or "待审核"
    return f'<span class="decision">{escape(label)}</span>' + (f' <span class="muted">审核意见：{escape(comment)}</span>' if comment else "")


def render_report(result, k: int) -> str:
    r: dict[str, Any] = result.reports[k]
    total = len(result.reports)
    index = result.index_of
    name = page_name(k, total)
    region = _region_path(r)
    parts = [
        '<p class="noprint"><a href="../index.html">← 返回总览</a>'
        + (f'　<a href="../review/{name}">审核意见（可打印）</a>' if r["score"] is not None else "")
        + (f'　<a href="../compare/{name}">与上年逐段对照</a>' if has_compare_page(r) else "") + "</p>",
        f"<h1>{escape(r['path'])}</h1>",
        f"<p>发布机关：{escape(r['issuer'] or '（未识别）')}　年度：{escape(str(r['year'] or '（未识别）'))}"
        + (f"　地区：{escape(region)}" if region else "")
        + f"　状态：{escape(r['status_label'])}"
        + (f"　得分：<b>{r['score']:.1f}</b>" if r["score"] is not None else "")
        + (f"　与上年重复率：{_fmt_ratio(r.get('prior_ratio'))}" if r.get("prior_ratio") is not None else "")
        + (f"　抄袭比例：{_fmt_ratio(r['copy_ratio'])}" if r["copy_ratio"] is not None else "")
        + "</p>",
    ]
    if r["error"]:
        parts.append(f"<p class=\"sev-error\">{escape(r['error'])}</p>")
    parts.append(_breakdown_html(r))
    parts.append(_carryover_html(r, f"../compare/{name}" if has_compare_page(r) else None))
    if r["findings"]:
        parts.append(f"<h2>问题（{len(r['findings'])} 条）</h2><ol>")
        decisions = r.get("decisions") or [("pending", "")] * len(r["findings"])
        for f, (decision, comment) in zip(r["findings"], decisions):
            where = f'<a href="#L{f.line}">第 {f.line} 行</a>' if f.line else ""
            rel = ""
            for x in f.related:
                if x.path and x.path in index:
                    rel += (f'<br><span class="muted">↔ <a href="{escape(page_name(index[x.path], total))}#L{x.line}">'
                            f'{escape(x.path)} 第 {x.line} 行</a>：{escape(x.text or "")}</span>')
                elif x.path:
                    rel += f'<br><span class="muted">↔ {escape(x.path)} 第 {x.line} 行：{escape(x.text or "")}</span>'
                elif x.line:
                    rel += f'<br><span class="muted">↔ <a href="#L{x.line}">第 {x.line} 行</a></span>'
            cls = ' class="dismissed"' if decision == DISMISSED else ""
            parts.append(
                f'<li{cls}><span class="sev-{escape(f.severity.value)}">{escape(f.severity.label)}</span> '
                f'[{escape(rule_label(f.rule))}] {where} {escape(f.message)}{_decision_tag(decision, comment)}<br>'
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


def render_review(result, k: int) -> str:
    """The printable 审核意见 of one report: who, the score and its breakdown, last year's carry-over,
    the findings that stand (dismissed ones left out), ready to print or attach."""
    from textcheck.parse import SECTION_TITLE

    r: dict[str, Any] = result.reports[k]
    region = _region_path(r)
    decisions = r.get("decisions") or [("pending", "")] * len(r["findings"])
    kept = [(f, d, c) for f, (d, c) in zip(r["findings"], decisions) if d != DISMISSED]
    dismissed = len(r["findings"]) - len(kept)
    parts = [
        '<p class="noprint"><a href="../index.html">← 返回总览</a>　'
        f'<a href="../reports/{page_name(k, len(result.reports))}">详情和原文</a>　'
        '<a href="javascript:window.print()">打印</a></p>',
        "<h1>政府信息公开工作年度报告审核意见</h1>",
        "<table>",
        f"<tr><th>报送单位</th><td>{escape(r['issuer'] or '（未识别）')}</td></tr>",
        f"<tr><th>地区</th><td>{escape(region or '（未能定位）')}</td></tr>",
        f"<tr><th>报告年度</th><td>{escape(str(r['year'] or '（未识别）'))}</td></tr>",
        f"<tr><th>文件</th><td>{escape(r['path'])}</td></tr>",
        f"<tr><th>得分</th>{_score_cell(r['score'])}</tr>",
        "</table>",
        _breakdown_html(r),
        _carryover_html(r, None),
        f"<h2>存在的问题（{len(kept)} 条）</h2>",
    ]
    if dismissed:
        parts.append(f'<p class="muted">另有 {dismissed} 条经审核不采纳，未列出、不计分。</p>')
    if kept:
        parts.append("<table><tr><th>序号</th><th>部分</th><th>问题</th><th>说明</th><th>修改建议</th><th>审核意见</th></tr>")
        for n, (f, d, c) in enumerate(kept, 1):
            where = SECTION_TITLE.get(f.section, f.section or "全文") + (f"（第 {f.line} 行）" if f.line else "")
            parts.append(f"<tr><td class=\"n\">{n}</td><td>{escape(where)}</td><td>{escape(rule_label(f.rule))}"
                         f"<br><span class=\"sev-{escape(f.severity.value)}\">{escape(f.severity.label)}</span></td>"
                         f"<td>{escape(f.message)}</td><td>{escape(f.suggestion)}</td>"
                         f"<td>{escape(DECISION_LABEL.get(d) or '待审核')}{('：' + escape(c)) if c else ''}</td></tr>")
        parts.append("</table>")
    else:
        parts.append("<p>未发现需要修改的问题。</p>")
    parts.append('<p class="muted">由 textcheck batch 生成，供审核参考；评分规则见 docs/scoring.md。</p>')
    return _page(f"审核意见：{r['issuer'] or r['path']}", "\n".join(parts))
