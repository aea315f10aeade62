"""The six mandated sections: present, once each, in order, numbered in sequence."""

from __future__ import annotations

import re

from textcheck.analysis.report_format import report_format, required_sections
from textcheck.document import Document
from textcheck.finding import Related, Severity
from textcheck.parse import SECTION_INDEX, SECTION_TITLE, SECTIONS
from textcheck.rules import Context, Fix, Hit, delete_lines, rule
from textcheck.text import comparable

_CN_ORDINAL = "一二三四五六"


def _label(key: str) -> str:
    return f"{_CN_ORDINAL[SECTION_INDEX[key] - 1]}、{SECTION_TITLE[key]}"


@rule(
    "section-missing",
    name="缺少部分",
    severity="error",
    summary="缺少年度报告规定的六个部分之一",
    category="structure",
)
def section_missing(doc: Document, ctx: Context):
    """报告什么：年度报告必须包含总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、
    政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项六个部分。缺少一部分为错误，
    并指出应插入的位置。标题按真实报告的各种写法识别（一、/1、/第一部分，概述、依申请公开工作情况、
    存在的主要问题和改进措施等，见 corpora/sections.toml）。

    依据：国办公开办函〔2021〕30号规定的格式（2019、2020年度报告按〔2019〕60号，也是这六部分），缺少任何一部分
    都不合格。

    例子：报告没有“六、其他需要报告的事项”标题 → 报错，指出应放在报告末尾。

    降为警告：文件在报告结束前中断（truncated-input）时，中断处之后的部分（可能只是没保存下来）；
    2019年以前的报告（按2008年《条例》第三十二条编写，当时的格式不同）缺少主动公开、依申请公开、复议诉讼、
    问题及改进中的一部分；总体情况的内容在、只是没有“一、总体情况”标题（从“（一）主动公开……”开始）。

    不报：2019年以前格式的报告没有“其他需要报告的事项”或“总体情况”（当时的格式没有规定这两个标题）。
    """
    present = {s.key: s for s in doc.sections}
    required = required_sections(doc)
    old_format = report_format(doc) == "2008"
    cut = ctx.cut(doc)
    cut_index = SECTION_INDEX.get(cut.last_part, 0) if cut and cut.last_part else 0
    overview = present.get("overview")
    if overview is not None and overview.implied:
        yield Hit(
            message=f"缺少“{_label('overview')}”标题：总体情况的内容从{doc.label(overview.line)}开始，但前面没有这个标题",
            suggestion=f"在{doc.label(overview.line)}之前加上标题“{_label('overview')}”。",
            line=overview.line,
            end_line=overview.line,
            text="",
            section="overview",
            severity=Severity.WARNING,
            confidence=0.8,
            evidence={"section": SECTION_TITLE["overview"], "implied": True},
        )
    for key, title in SECTIONS:
        if key in present or key not in required:
            continue
        later = [s for s in doc.sections if s.index > SECTION_INDEX[key]]
        if later:
            at = min(later, key=lambda s: s.line).line
            where = f"应放在{doc.label(at)}“{min(later, key=lambda s: s.line).heading}”之前"
        else:
            at = len(doc.lines)
            where = "应放在报告末尾"
        severity, confidence, note = None, 1.0, ""
        if cut is not None and SECTION_INDEX[key] > cut_index:
            severity, confidence = Severity.WARNING, 0.5
            note = f"；文件在{doc.label(cut.line)}中断，这一部分可能在中断处之后"
        elif old_format:
            severity, confidence = Severity.WARNING, 0.7
            note = "；这是2019年以前格式的报告，当年《条例》第三十二条也要求报告这一内容"
        yield Hit(
            message=f"缺少“{_label(key)}”部分（{where}{note}）",
            suggestion=f"补充“{_label(key)}”一节；没有内容时也要保留标题并写明“无”或填“0”。",
            line=at,
            end_line=at,
            text="",
            severity=severity,
            confidence=confidence,
            evidence={"section": title, "after_cut": bool(note and cut is not None and SECTION_INDEX[key] > cut_index)},
        )


@rule(
    "section-duplicate",
    name="部分标题重复",
    severity="error",
    summary="同一部分的标题出现了两次",
    category="structure",
)
def section_duplicate(doc: Document, ctx: Context):
    """What：六个部分的标题各应出现一次。重复的标题通常说明整段内容被粘贴了两遍。

    Why：复制粘贴留下的重复是年度报告抽查中最显眼的问题之一。

    Example：大章镇报告第 5 行和第 7 行都是“一、总体情况”。
    """
    first: dict[str, tuple[int, str]] = {}
    for key, line, text in doc.section_headings:
        if key in first:
            fl, ft = first[key]
            yield Hit(
                message=f"“{SECTION_TITLE[key]}”的标题重复出现（第一次在{doc.label(fl)}）",
                suggestion="删除重复的标题，并检查其后的内容是否也被粘贴了两遍。",
                line=line,
                end_line=line,
                text=text,
                section=key,
                related=(Related(line=fl, end_line=fl, text=ft),),
                fix=_duplicate_heading_fix(doc, fl, line),
            )
        else:
            first[key] = (line, text)


def _duplicate_heading_fix(doc: Document, first: int, line: int) -> Fix | None:
    """Removing the repeated heading is certain only right after the first one (nothing but blank lines
    between, the same words): further down it may head a pasted block (duplicate-paragraph removes the
    whole block) or stand where another part's heading should be (a judgement)."""
    if line <= first or comparable(doc.norm_lines[line - 1]) != comparable(doc.norm_lines[first - 1]):
        return None
    if any(doc.norm_lines[k].strip() for k in range(first, line - 1)):
        return None
    return Fix(edits=(delete_lines(doc, first + 1, line, blank_after=False),),
               description=f"删除{doc.label(line)}重复的标题“{doc.lines[line - 1].strip()}”")


@rule(
    "section-order",
    name="部分顺序不对",
    severity="warning",
    summary="六个部分的顺序与规定格式不一致",
    category="structure",
)
def section_order(doc: Document, ctx: Context):
    """What：六个部分应按规定顺序排列（一、总体情况 …… 六、其他需要报告的事项）。

    Why：统一格式便于公众对照阅读和上级汇总。

    Example：“四、行政复议、行政诉讼情况”写在“三、收到和处理申请情况”之前 → 警告。
    """
    highest = None
    for sec in sorted(doc.sections, key=lambda s: s.line):
        if highest is not None and sec.index < highest.index:
            yield Hit(
                message=f"“{SECTION_TITLE[sec.key]}”应排在“{SECTION_TITLE[highest.key]}”之前",
                suggestion=f"按规定顺序调整：把“{_label(sec.key)}”移到{doc.label(highest.line)}“{highest.heading}”之前。",
                line=sec.line,
                end_line=sec.line,
                text=sec.heading,
                section=sec.key,
                related=(Related(line=highest.line, end_line=highest.line, text=highest.heading),),
            )
        elif highest is None or sec.index > highest.index:
            highest = sec


_CN = "一二三四五六七八九十"
_ARABIC_HEAD = re.compile(r"^(\d{1,2})\s*[、.]")


def _numeral_text(n: int | None) -> str:
    if n is None:
        return "（无编号）"
    return _CN[n - 1] if 1 <= n <= 10 else str(n)


@rule(
    "section-numbering",
    name="部分编号错误",
    severity="warning",
    summary="部分标题的编号重新开始或重复（如“一、总体情况”之后又是“一、主动公开政府信息情况”）",
    category="structure",
)
def section_numbering(doc: Document, ctx: Context):
    """报告什么：六个部分的标题应按“一、”至“六、”依次编号。编号在中途重新从“一”开始（表格之后又从“一、”
    编起），或两个不同的部分用了同一个编号（“四、行政复议……”“四、存在的主要问题……”），报警告，指出从哪一行起
    编号错了、应当是几。部分标题用“1、”编号、其下的各项也用“1、”编号（层次不清）时，给一条提示。

    依据：规定格式的六个部分有固定编号，编号错乱让读者找不到对应部分，也常是从别处拼接内容留下的痕迹。
    这是编号的问题，不是同一部分出现了两次，所以不报 section-duplicate。

    例子：某报告“一、总体情况”之内用“二、”至“六、”给总体情况的各项编号，其后“一、主动公开政府信息情况”
    又从“一”编起 → 在“一、主动公开政府信息情况”处报警告。

    不报：同一个标题被整段粘贴了两遍（section-duplicate 报）；总体情况内部各项自成一套编号、部分标题仍连续
    （一、总体情况 …… 二、主动公开政府信息情况）；缺了一部分、其后编号顺延（section-missing 报）。
    """
    parts = [h for h in doc.outline if h.role == "part"]
    numbered = [h for h in parts if h.numeral is not None]
    items = [h for h in doc.outline if h.role == "overview-item" and h.numeral is not None]
    seen: list = []
    for h in numbered:
        prev = seen[-1] if seen else None
        seen.append(h)
        if prev is None or h.numeral > prev.numeral:
            continue
        if any(e.key == h.key and e.text == h.text for e in seen[:-1]):
            continue  # the same heading pasted twice: section-duplicate reports it
        expected = prev.numeral + 1
        if h.numeral == prev.numeral and h.numeral != 1:
            what = f"与{doc.label(prev.line)}“{prev.text}”用了同一个编号“{_numeral_text(h.numeral)}”"
        else:
            what = f"编号重新从“{_numeral_text(h.numeral)}”开始（前一部分{doc.label(prev.line)}“{prev.text}”已编到“{_numeral_text(prev.numeral)}”）"
        if items and h.numeral == 1:
            what += f"；总体情况之内还用“{_numeral_text(items[0].numeral)}、”至“{_numeral_text(items[-1].numeral)}、”给各项编了号"
        body = re.sub(r"^\s*(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+|\d+)\s*[、.．,，]?\s*", "", h.text)
        yield Hit(
            message=f"部分标题的编号不连续：{doc.label(h.line)}“{h.text}”{what}",
            suggestion=f"按规定格式连续编号：此处应为“{_numeral_text(expected)}、{body}”，其后的部分依次顺延。",
            line=h.line,
            end_line=h.line,
            text=h.text,
            section=h.key if h.key in SECTION_INDEX else None,
            related=(Related(line=prev.line, end_line=prev.line, text=prev.text),),
            confidence=0.9,
            evidence={"numeral": h.numeral, "previous": prev.numeral, "expected": expected},
        )
    # parts numbered 1、 with their items numbered 1、 too: one numbering style for two levels
    for h in parts:
        m = _ARABIC_HEAD.match(h.text)
        if not m:
            continue
        inner = next(
            (b for b in doc.blocks if b.section == h.key and b.line >= h.line and b is not doc.blocks[h.block] and _ARABIC_HEAD.match(b.text)
             and _ARABIC_HEAD.match(b.text).group(1) == "1"),
            None,
        )
        if inner is not None:
            yield Hit(
                message=f"{doc.label(h.line)}的部分标题“{h.text}”与其下{doc.label(inner.line)}的“{inner.text[:20]}”用了同一种编号“1、”，层次不清",
                suggestion="部分标题用“一、”“二、”……，其下各项用“（一）”“（二）”……，与规定格式一致。",
                line=h.line,
                end_line=h.line,
                text=h.text,
                section=h.key if h.key in SECTION_INDEX else None,
                related=(Related(line=inner.line, end_line=inner.end_line, text=inner.text[:60]),),
                severity=Severity.INFO,
                confidence=0.7,
                evidence={"style": "arabic-both-levels"},
            )
            break
