"""Rules of ``textcheck compare OLD NEW``: what this year's report carried over from last year's.

These rules receive a ``textcheck.compare.Comparison`` (both parsed reports and their alignment)
instead of a single ``Document``; they are registered with ``scope="compare"`` so that
``textcheck rules`` lists them while ``check`` never runs them. Lines are those of the NEW report;
``related`` points at the OLD report.
"""

from __future__ import annotations

import difflib
import re
from typing import TYPE_CHECKING

from textcheck.document import shorten
from textcheck.finding import Related, Severity
from textcheck.rules import Context, Hit, rule
from textcheck.text import nonspace_count

if TYPE_CHECKING:  # pragma: no cover
    from textcheck.compare import Comparison


def _prev(cmp: "Comparison") -> str:
    """How to name the old report in messages."""
    return "对照报告" if cmp.same_issuer is False else "上年报告"


_TOKEN = re.compile(r"\d+(?:\.\d+)?|.", re.S)
_WORD_CHAR = re.compile(r"[\u3400-\u9fffA-Za-z%]")


def describe_changes(new: str, old: str, limit: int = 8) -> list[str]:
    """Edits from ``old`` to ``new`` as short 'old→new' strings; a number keeps its unit: '19件→6件'."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    out = []
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            continue
        x, y = "".join(a[i1:i2]), "".join(b[j1:j2])
        numeric = bool(re.search(r"\d", x + y))
        # keep the unit: the unchanged character right after a changed number
        if numeric and i2 < len(a) and j2 < len(b) and a[i2] == b[j2] and _WORD_CHAR.match(a[i2]):
            x, y = x + a[i2], y + b[j2]
        if tag == "replace":
            out.append(f"{shorten(x, 20)}→{shorten(y, 20)}")
        elif tag == "delete":
            out.append(f"删去“{shorten(x, 20)}”")
        else:
            out.append(f"新增“{shorten(y, 20)}”")
    if len(out) > limit:
        out = out[:limit] + [f"等 {len(out)} 处"]
    return out


def _coverage(cmp: "Comparison", i: int) -> tuple[int, int]:
    """(copied non-template characters, non-template characters) of new paragraph ``i``."""
    n = cmp.new_paras[i]
    total = nonspace_count(n.text) - nonspace_count(n.text, n.template)
    if i not in cmp.copies:
        return 0, total
    spans = cmp.copies[i].spans
    return nonspace_count(n.text, spans) - nonspace_count(n.text, spans, within=n.template), total


def carried_paragraphs(cmp: "Comparison", min_chars: int, near: float, coverage: float) -> dict[int, dict]:
    """New paragraphs that are old ones unchanged or with only numbers/small edits: index -> details."""
    out: dict[int, dict] = {}
    for n in cmp.new_paras:
        i = n.index
        copied, total = _coverage(cmp, i)
        if total < min_chars or n.section == "_":
            continue  # too short, (almost) all template wording, or the opening/title (boilerplate by nature)
        pair = cmp.pairs.get(i)
        if pair and pair.masked_similarity >= near:
            out[i] = {"olds": [pair.old], "similarity": pair.similarity, "masked": pair.masked_similarity,
                      "coverage": round(copied / total, 3), "pair": True}
        elif copied / total >= coverage:  # a part of an old paragraph (split) or old ones joined (merged)
            olds = sorted({s[2] for s in cmp.copies[i].sources})
            out[i] = {"olds": olds, "similarity": pair.similarity if pair else None, "masked": None,
                      "coverage": round(copied / total, 3), "pair": False}
    return out


def _carried(cmp: "Comparison", ctx: Context) -> dict[int, dict]:
    from textcheck.rules import get_rule

    spec = get_rule("carryover-paragraph")
    opts = ctx.config.rule_options(spec.id, spec.options) if ctx.config is not None else spec.options
    return ctx.cached(
        "compare:carried",
        lambda: carried_paragraphs(cmp, int(opts["min_chars"]), float(opts["near_threshold"]), float(opts["min_coverage"])),
    )


def _related(cmp: "Comparison", old_index: int) -> Related:
    from textcheck.compare import related_for

    return related_for(cmp, old_index)


@rule(
    "carryover-paragraph",
    severity="warning",
    summary="新报告的段落照搬上年报告（原样，或只改了数字、年份）",
    category="carryover",
    options={"min_chars": 30, "near_threshold": 95, "min_coverage": 0.95},
    scope="compare",
)
def carryover_paragraph(cmp: "Comparison", ctx: Context):
    """What：把今年的报告与上年的报告逐段对照（同一部分内对齐，允许段落调换顺序、拆分、合并）。
    新报告的某一段与上年某一段相同，或把数字都换成占位符后相似度不低于 near_threshold（默认 95%）
    ——也就是只改了年份和数字——时报告，并列出改动（如“2020年→2021年”“19件→6件”）。
    新段落有 min_coverage（默认 95%）以上的文字逐字来自上年的段落（拆分、合并的段落）时也报告。
    模板规定的固定表述不算照搬；少于 min_chars 个字（不含模板用语）的段落不检查。

    Why：《通知》要求“不得泛泛而谈，出现年年雷同等现象”。只改年份和数字的段落说明本年工作没有如实总结。

    Example：上年“2020年，市政府办公室共收到和办理依申请公开19件”，今年只改为“2021年……6件”，其余一字未改。
    """
    carried = _carried(cmp, ctx)
    prev = _prev(cmp)
    for i in sorted(carried):
        d = carried[i]
        n = cmp.new_paras[i]
        olds = d["olds"]
        o = cmp.old_paras[olds[0]]
        where = f"{prev}第 {o.line} 行" if o.line == o.end_line else f"{prev}第 {o.line}–{o.end_line} 行"
        changes: list[str] = []
        if d["pair"]:
            changes = describe_changes(n.text, o.text)
            if not changes:
                msg = f"这一段与{where}的段落完全相同"
            elif d["masked"] >= 100:
                msg = f"这一段沿用{where}的段落，只改了数字或年份：" + "、".join(changes)
            else:
                msg = f"这一段与{where}的段落基本相同（相似度 {d['similarity']:.0f}%），只有少量改动：" + "、".join(changes)
        else:
            msg = f"这一段 {d['coverage']:.0%} 的文字逐字来自{prev}" + "、".join(
                f"第 {cmp.old_paras[j].line} 行" for j in olds) + "的段落（段落经过拆分或合并）"
        yield Hit(
            message=msg,
            suggestion="按本年度的实际工作重写这一段：写明今年新做了什么、有什么变化和成效；不要整段沿用上年报告。"
            if cmp.same_issuer is not False else "这段文字与另一机关的报告相同，请按本机关的实际工作重写。",
            line=n.line,
            end_line=n.end_line,
            text=shorten(n.block.raw, 120),
            section=n.section if n.section != "_" else None,
            related=tuple(_related(cmp, j) for j in olds),
            confidence=1.0 if d["pair"] and d["masked"] >= 100 else 0.9,
            evidence={"similarity": d["similarity"], "similarity_ignoring_numbers": d["masked"],
                      "copied_share": d["coverage"], "changes": changes},
        )


@rule(
    "problems-carryover",
    severity="error",
    summary="“存在的主要问题及改进情况”大部分照搬上年报告",
    category="carryover",
    options={"threshold": 0.6, "min_chars": 40},
    scope="compare",
)
def problems_carryover(cmp: "Comparison", ctx: Context):
    """What：计算新报告“存在的主要问题及改进情况”部分有多少文字（不含模板用语）逐字来自上年报告
    （连续 8 个字以上相同才计入）。达到 threshold（默认 60%）时报告为错误。该部分不足 min_chars 个字时不检查。

    Why：《通知》特别要求问题查找“明确具体”，改进措施“推进有效”，“不得泛泛而谈，出现年年雷同等现象”。
    问题和措施年年照抄，说明上年的问题没有整改、今年的问题没有查找。

    Example：资阳市政府办公室 2021 年报告的“存在的主要问题”与 2020 年一字不差 → 沿用比例 100%。
    """
    paras = [n for n in cmp.new_paras if n.section == "problems"]
    if not paras:
        return
    copied = total = 0
    olds: set[int] = set()
    for n in paras:
        c, t = _coverage(cmp, n.index)
        copied, total = copied + c, total + t
        if n.index in cmp.copies:
            olds.update(s[2] for s in cmp.copies[n.index].sources)
    if total < int(ctx.options["min_chars"]) or not total:
        return
    share = copied / total
    if share < float(ctx.options["threshold"]):
        return
    prev = _prev(cmp)
    old_problem = [cmp.old_paras[j] for j in sorted(olds)]
    rel = ()
    if old_problem:
        a, b = old_problem[0], old_problem[-1]
        rel = (Related(line=a.line, end_line=b.end_line, text=shorten(" ".join(p.block.raw for p in old_problem), 120),
                       path=cmp.old.path, section="存在的主要问题及改进情况"),)
    yield Hit(
        message=f"“存在的主要问题及改进情况”有 {share:.0%} 的文字（{copied}/{total} 字）照搬{prev}",
        suggestion="对照本年度工作实际查找具体问题，写明上年所列问题的整改结果，提出本年可检验的改进措施；不要沿用上年的表述。",
        line=paras[0].line,
        end_line=paras[-1].end_line,
        text=shorten(" ".join(p.block.raw for p in paras), 120),
        section="problems",
        related=rel,
        confidence=1.0 if share >= 0.8 else 0.85,
        evidence={"copied_share": round(share, 4), "copied_chars": copied, "chars": total},
    )


_UNITS = "人次|万元|亿元|平方米|公里|条|件|个|次|期|篇|份|项|家|户|册|场|名|人|元|套|台|部|批|张|本|封|位|%"
_FIGURE = re.compile(rf"(?<![\d.〔\[(（第])(\d+(?:\.\d+)?)(万|亿)?(余|多)?({_UNITS})")
_BEFORE_YEAR_REF = re.compile(r"(上年|去年|上一年|同比|较上|比上|与上|上年度|历年|累计|以来)")
_NON_WORD = re.compile(r"[\W\d_]+")


def figures(text: str, min_value: float) -> list[tuple[int, int, str, tuple[str, str, str]]]:
    """Statistical figures in ``text``: (start, end, figure text, key (context, number, unit))."""
    out = []
    for m in _FIGURE.finditer(text):
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
    severity="warning",
    summary="新报告中的统计数字与上年报告完全相同（可能没有更新）",
    category="carryover",
    options={"min_value": 10},
    scope="compare",
)
def stale_number(cmp: "Comparison", ctx: Context):
    """What：找出正文里带单位的统计数字（如“全年主动公开政府信息52902条”），其数字、单位和前面的
    说明文字都与上年报告中的某处完全相同。不检查：0、1 等小于 min_value（默认 10）的整数、100%、年份、
    日期、文号（〔2021〕12号）、“第N条”、书名号内的文字、与上年比较的句子（上年、去年、同比、累计）。
    已被 carryover-paragraph 报告为整段照搬的段落不再逐个报告数字。

    Why：沿用上年报告时最容易漏改的是数字。两年的统计数字恰好完全相同的情况很少见。

    Example：2020 年和 2021 年的报告都写“全年主动公开政府信息52902条”。
    """
    min_value = float(ctx.options["min_value"])
    carried = _carried(cmp, ctx)
    old_index: dict[tuple[str, str, str], tuple[int, str]] = {}
    for o in cmp.old_paras:
        for _a, _b, fig, key in figures(o.text, min_value):
            old_index.setdefault(key, (o.index, fig))
    prev = _prev(cmp)
    for n in cmp.new_paras:
        if n.index in carried:
            continue
        seen = set()
        for a, b, fig, key in figures(n.text, min_value):
            if key not in old_index or key in seen:
                continue
            if any(x <= a and b <= y for x, y in n.template):
                continue
            if _BEFORE_YEAR_REF.search(_sentence(n.text, a)):
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
                related=(_related(cmp, j),),
                confidence=0.8,
                evidence={"figure": phrase, "number": key[1], "unit": key[2]},
            )


_LEGIT_BEFORE = re.compile(r"(上年|去年|上一年|同比|较|比|与|自|从|截至|截止|至)$")
_CURRENT_AFTER = re.compile(r"^年度?(?:[,，]|全年|共|内|本机关|我|全镇|全市|全县|全区|全乡|全街道|市政府|县政府|区政府|镇政府|乡政府)")


@rule(
    "stale-year",
    severity="error",
    summary="新报告沿用上年文字时留下了上年的年份（把上年当作本年度）",
    category="carryover",
    options={},
    scope="compare",
)
def stale_year(cmp: "Comparison", ctx: Context):
    """What：新报告是 N 年度的，却在沿用上年报告的句子里仍写“N-1年，本机关……”“N-1年全年共……”
    （年份后面紧跟逗号或“全年、共、本机关、全镇”等，说的是本年度的工作），以及统计期限仍写
    “N-1年1月1日至N-1年12月31日”。只检查与上年报告逐字相同的文字；“上年”“去年”“较2020年”
    “自2020年”、书名号内的文件名、“2020年度结转”等正当引用不报告。

    Why：复制上年报告后漏改年份，会让读者以为报告写的是上一年的工作，是最明显的照搬痕迹。

    Example：2021 年度报告写“2020年，市政府办公室共收到和办理依申请公开6件”。
    """
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
            if _LEGIT_BEFORE.search(before[-4:].rstrip(" ")) or _LEGIT_BEFORE.search(before[-2:]):
                continue
            after = text[m.end():]
            if re.match(r"^年度?(?:结转|以来|底|末)", after):
                continue
            if _CURRENT_AFTER.match(after):
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
            message=f"本报告是 {y} 年度的，这里仍写着“{quote}”——沿用{_prev(cmp)}时没有改年份"
            + (f"（共 {len(hits)} 处）" if len(hits) > 1 else ""),
            suggestion=f"把说本年度工作的“{y0}年”改为“{y}年”，并核对这句话的内容和数字是否是 {y} 年的实际情况。",
            line=n.line,
            end_line=n.end_line,
            text=shorten(_sentence(text, a), 120),
            section=n.section if n.section != "_" else None,
            related=(_related(cmp, j),) if j is not None else (),
            confidence=0.95,
            evidence={"report_year": y, "old_year": y0, "occurrences": len(hits)},
            severity=None,
        )


__all__ = ["describe_changes", "figures", "carried_paragraphs", "Severity"]
