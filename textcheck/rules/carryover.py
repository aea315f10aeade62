"""Rules of ``textcheck compare OLD NEW`` on carried-over text: whole paragraphs, and the problems section.

Compare rules receive a ``textcheck.analysis.alignment.Comparison`` (both parsed reports, their
alignment, the carried-over paragraphs) instead of a ``Document``; they are registered with
``scope="compare"``, so ``textcheck rules`` lists them while ``check`` never runs them. Lines are
those of the NEW report; ``related`` points at the OLD report.
"""

from __future__ import annotations

import difflib
import re

from textcheck.analysis.alignment import Comparison, coverage
from textcheck.document import shorten
from textcheck.finding import Related
from textcheck.rules import Context, Hit, rule

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



@rule(
    "carryover-paragraph",
    name="照搬上年段落",
    severity="warning",
    summary="新报告的段落照搬上年报告（原样，或只改了数字、年份）",
    category="carryover",
    options={"min_chars": 30, "near_threshold": 95, "min_coverage": 0.95},
    scope="compare",
)
def carryover_paragraph(cmp: Comparison, ctx: Context):
    """What：把今年的报告与上年的报告逐段对照（同一部分内对齐，允许段落调换顺序、拆分、合并）。
    新报告的某一段与上年某一段相同，或把数字都换成占位符后相似度不低于 near_threshold（默认 95%）
    ——也就是只改了年份和数字——时报告，并列出改动（如“2020年→2021年”“19件→6件”）。
    新段落有 min_coverage（默认 95%）以上的文字逐字来自上年的段落（拆分、合并的段落）时也报告。
    模板规定的固定表述不算照搬；少于 min_chars 个字（不含模板用语）的段落不检查。

    Why：《通知》要求“不得泛泛而谈，出现年年雷同等现象”。只改年份和数字的段落说明本年工作没有如实总结。

    Example：上年“2020年，市政府办公室共收到和办理依申请公开19件”，今年只改为“2021年……6件”，其余一字未改。
    """
    carried = cmp.carried
    prev = cmp.old_name
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
            related=tuple(cmp.related(j) for j in olds),
            confidence=1.0 if d["pair"] and d["masked"] >= 100 else 0.9,
            evidence={"similarity": d["similarity"], "similarity_ignoring_numbers": d["masked"],
                      "copied_share": d["coverage"], "changes": changes},
        )


@rule(
    "problems-carryover",
    name="问题照搬上年",
    severity="error",
    summary="“存在的主要问题及改进情况”大部分照搬上年报告",
    category="carryover",
    options={"threshold": 0.6, "min_chars": 40},
    scope="compare",
)
def problems_carryover(cmp: Comparison, ctx: Context):
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
        c, t = coverage(cmp, n.index)
        copied, total = copied + c, total + t
        if n.index in cmp.copies:
            olds.update(s[2] for s in cmp.copies[n.index].sources)
    if total < int(ctx.options["min_chars"]) or not total:
        return
    share = copied / total
    if share < float(ctx.options["threshold"]):
        return
    prev = cmp.old_name
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
