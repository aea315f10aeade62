"""Rules of ``textcheck compare OLD NEW`` on what was not updated: statistical figures and years.

See ``textcheck.rules.carryover`` for how compare rules are run. ``figures`` reads the statistical
figures of a text (number and unit, ``corpora/units.toml``).
"""

from __future__ import annotations

import functools
import re

from textcheck.analysis.alignment import Comparison
from textcheck.document import shorten
from textcheck.resources import corpus_toml
from textcheck.rules import Context, Hit, rule
from textcheck.text import alternation

_NON_WORD = re.compile(r"[\W\d_]+")


@functools.lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern[str]]:
    """Figures and year references, built once from ``corpora/units.toml`` and ``corpora/year_words.toml``."""
    units = alternation(corpus_toml("units.toml")["units"])
    words = {k: alternation(v) for k, v in corpus_toml("year_words.toml")["compare"].items()}
    return {
        "figure": re.compile(rf"(?<![\d.〔\[(（第])(\d+(?:\.\d+)?)(万|亿)?(余|多)?({units})"),
        "comparison": re.compile(rf"({words['comparison']})"),
        "reference_before": re.compile(rf"({words['reference_before']})$"),
        "current_after": re.compile(rf"^年度?(?:[,，]|{words['current_after']})"),
    }


def figures(text: str, min_value: float) -> list[tuple[int, int, str, tuple[str, str, str]]]:
    """Statistical figures in ``text``: (start, end, figure text, key (context, number, unit))."""
    out = []
    for m in _patterns()["figure"].finditer(text):
        num, mult, approx, unit = m.group(1), m.group(2) or "", m.group(3) or "", m.group(4)
        value = float(num) * (10000 if mult == "万" else 1e8 if mult == "亿" else 1)
        if unit == "%" and float(num) >= 100:
            continue
        if value < min_value and "." not in num:
            continue
        before = text[: m.start()]
        if before.count("《") > before.count("》"):
            continue  # inside a document title
        if re.fullmatch(r"(19|20)\d{2}", num):
            continue  # a year
        context = _NON_WORD.sub("", before)[-4:]
        if len(context) < 2:
            continue
        out.append((m.start(), m.end(), m.group(0), (context, num, mult + approx + unit)))
    return out


def _sentence(text: str, pos: int) -> str:
    a = max(text.rfind(c, 0, pos) for c in "。；;！？\n") + 1
    ends = [x for x in (text.find(c, pos) for c in "。；;！？\n") if x >= 0]
    return text[a : min(ends) if ends else len(text)]


@rule(
    "stale-number",
    name="数字未更新",
    severity="warning",
    summary="新报告中的统计数字与上年报告完全相同（可能没有更新）",
    category="carryover",
    options={"min_value": 10},
    scope="compare",
)
def stale_number(cmp: Comparison, ctx: Context):
    """What：找出正文里带单位的统计数字（如“全年主动公开政府信息52902条”），其数字、单位和前面的
    说明文字都与上年报告中的某处完全相同。不检查：0、1 等小于 min_value（默认 10）的整数、100%、年份、
    日期、文号（〔2021〕12号）、“第N条”、书名号内的文字、与上年比较的句子（上年、去年、同比、累计）。
    已被 carryover-paragraph 报告为整段照搬的段落不再逐个报告数字。

    Why：沿用上年报告时最容易漏改的是数字。两年的统计数字恰好完全相同的情况很少见。

    Example：2020 年和 2021 年的报告都写“全年主动公开政府信息52902条”。
    """
    min_value = float(ctx.options["min_value"])
    carried = cmp.carried
    old_index: dict[tuple[str, str, str], tuple[int, str]] = {}
    for o in cmp.old_paras:
        for _a, _b, fig, key in figures(o.text, min_value):
            old_index.setdefault(key, (o.index, fig))
    prev = cmp.old_name
    for n in cmp.new_paras:
        if n.index in carried:
            continue
        seen = set()
        for a, b, fig, key in figures(n.text, min_value):
            if key not in old_index or key in seen:
                continue
            if any(x <= a and b <= y for x, y in n.template):
                continue
            if _patterns()["comparison"].search(_sentence(n.text, a)):
                continue
            if cmp.old_year and str(cmp.old_year) in _sentence(n.text, a) and cmp.old_year != cmp.new_year:
                continue  # the sentence names last year: likely a comparison
            seen.add(key)
            j, _old_fig = old_index[key]
            o = cmp.old_paras[j]
            sent = _sentence(n.text, a)
            start = n.text.find(sent) if sent else a
            phrase = n.text[max(start, a - 10) : b].lstrip("，,、")
            yield Hit(
                message=f"“{phrase}”与{prev}第 {o.line} 行的数字完全相同，可能没有更新为本年度数据",
                suggestion="核对这一数字是否为本年度的统计结果；如果确实与上年相同，建议注明“与上年持平”。",
                line=n.line,
                end_line=n.end_line,
                text=shorten(_sentence(n.text, a), 120),
                section=n.section if n.section != "_" else None,
                related=(cmp.related(j),),
                confidence=0.8,
                evidence={"figure": phrase, "number": key[1], "unit": key[2]},
            )


@rule(
    "stale-year",
    name="年份未更新",
    severity="error",
    summary="新报告沿用上年文字时留下了上年的年份（把上年当作本年度）",
    category="carryover",
    options={},
    scope="compare",
)
def stale_year(cmp: Comparison, ctx: Context):
    """What：新报告是 N 年度的，却在沿用上年报告的句子里仍写“N-1年，本机关……”“N-1年全年共……”
    （年份后面紧跟逗号或“全年、共、本机关、全镇”等，说的是本年度的工作），以及统计期限仍写
    “N-1年1月1日至N-1年12月31日”。只检查与上年报告逐字相同的文字；“上年”“去年”“较2020年”
    “自2020年”、书名号内的文件名、“2020年度结转”等正当引用不报告。

    Why：复制上年报告后漏改年份，会让读者以为报告写的是上一年的工作，是最明显的照搬痕迹。

    Example：2021 年度报告写“2020年，市政府办公室共收到和办理依申请公开6件”。
    """
    pat = _patterns()
    y, y0 = cmp.new_year, cmp.old_year
    if y and not y0:
        y0 = y - 1
    if not y or not y0 or y0 >= y:
        return
    old_s = str(y0)
    period = re.compile(rf"{y0}年1月1日\D{{0,6}}{y0}年12月31日")
    for n in cmp.new_paras:
        text = n.text
        spans = cmp.copies[n.index].spans if n.index in cmp.copies else ()
        hits = []
        for m in re.finditer(rf"(?<!\d){old_s}(?!\d)", text):
            a = m.start()
            if not any(x <= a and m.end() <= z for x, z in spans):
                continue  # not carried over: may be a legitimate reference
            before = text[:a]
            if before.count("《") > before.count("》"):
                continue
            if pat["reference_before"].search(before[-4:].rstrip(" ")) or pat["reference_before"].search(before[-2:]):
                continue
            after = text[m.end():]
            if re.match(r"^年度?(?:结转|以来|底|末)", after):
                continue
            if pat["current_after"].match(after):
                hits.append(a)
        for m in period.finditer(text):
            hits.append(m.start())
        if not hits:
            continue
        hits = sorted(set(hits))
        a = hits[0]
        stop = [x for x in (text.find(c, a + 6) for c in "，,。；") if x >= 0]
        quote = text[a : min(stop + [a + 30])]
        j = cmp.pairs[n.index].old if n.index in cmp.pairs else (cmp.copies[n.index].sources[0][2] if n.index in cmp.copies else None)
        yield Hit(
            message=f"本报告是 {y} 年度的，这里仍写着“{quote}”——沿用{cmp.old_name}时没有改年份"
            + (f"（共 {len(hits)} 处）" if len(hits) > 1 else ""),
            suggestion=f"把说本年度工作的“{y0}年”改为“{y}年”，并核对这句话的内容和数字是否是 {y} 年的实际情况。",
            line=n.line,
            end_line=n.end_line,
            text=shorten(_sentence(text, a), 120),
            section=n.section if n.section != "_" else None,
            related=(cmp.related(j),) if j is not None else (),
            confidence=0.95,
            evidence={"report_year": y, "old_year": y0, "occurrences": len(hits)},
            severity=None,
        )
