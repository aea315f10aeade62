"""The six mandated sections: present, once each, in order."""

from __future__ import annotations

from textcheck.document import Document
from textcheck.finding import Related
from textcheck.parse import SECTION_INDEX, SECTION_TITLE, SECTIONS
from textcheck.rules import Context, Hit, rule

_CN_ORDINAL = "一二三四五六"


def _label(key: str) -> str:
    return f"{_CN_ORDINAL[SECTION_INDEX[key] - 1]}、{SECTION_TITLE[key]}"


@rule(
    "section-missing",
    severity="error",
    summary="缺少年度报告规定的六个部分之一",
    category="structure",
)
def section_missing(doc: Document, ctx: Context):
    """What：年度报告必须包含总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、
    政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项六个部分。

    Why：国办公开办函〔2021〕30号规定的格式，缺少任何一部分都不合格。

    Example：报告没有“六、其他需要报告的事项”标题 → 报错，并指出应插入的位置。
    """
    present = {s.key: s for s in doc.sections}
    for key, title in SECTIONS:
        if key in present:
            continue
        later = [s for s in doc.sections if s.index > SECTION_INDEX[key]]
        if later:
            at = min(later, key=lambda s: s.line).line
            where = f"应放在第 {at} 行“{min(later, key=lambda s: s.line).heading}”之前"
        else:
            at = len(doc.lines)
            where = "应放在报告末尾"
        yield Hit(
            message=f"缺少“{_label(key)}”部分（{where}）",
            suggestion=f"补充“{_label(key)}”一节；没有内容时也要保留标题并写明“无”或填“0”。",
            line=at,
            end_line=at,
            text="",
            evidence={"section": title},
        )


@rule(
    "section-duplicate",
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
                message=f"“{SECTION_TITLE[key]}”的标题重复出现（第一次在第 {fl} 行）",
                suggestion="删除重复的标题，并检查其后的内容是否也被粘贴了两遍。",
                line=line,
                end_line=line,
                text=text,
                section=key,
                related=(Related(line=fl, end_line=fl, text=ft),),
            )
        else:
            first[key] = (line, text)


@rule(
    "section-order",
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
                suggestion=f"按规定顺序调整：把“{_label(sec.key)}”移到第 {highest.line} 行“{highest.heading}”之前。",
                line=sec.line,
                end_line=sec.line,
                text=sec.heading,
                section=sec.key,
                related=(Related(line=highest.line, end_line=highest.line, text=highest.heading),),
            )
        elif highest is None or sec.index > highest.index:
            highest = sec
