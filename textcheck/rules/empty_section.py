"""A section (or a sub-heading) with nothing under it, or only 无 where content is required."""

from __future__ import annotations

import re

from textcheck.document import Block, BlockKind, Document, Section
from textcheck.finding import Severity
from textcheck.parse import SECTION_INDEX, SECTION_TITLE
from textcheck.rules import Context, Hit, rule

_CN_ORDINAL = "一二三四五六"
# 无 / 无。 / 暂无 / 本年度无 / 没有 / 无相关情况 : a body that says nothing
_NOTHING = re.compile(
    r"^(?:本年度|本年|今年|全年|本机关|本单位)?(?:暂|均)?(?:无|没有)(?:相关情况|此类情况|相关内容|内容|情况)?[。.；;]?$"
)
# what each section must contain when it is not empty (used in the message)
_REQUIRED = {
    "overview": "五个方面（主动公开、依申请公开、政府信息管理、平台建设、监督保障）的工作情况",
    "active": "第二十条规定的主动公开情况统计表（没有数据的格填 0）",
    "requests": "收到和处理政府信息公开申请情况统计表（没有申请时各项填 0）",
    "review": "行政复议、行政诉讼情况统计表（没有案件时各项填 0）",
    "problems": "本年度工作中存在的具体问题、上一年度问题的整改情况和下一步的改进措施",
}


_NARRATIVE = ("overview", "problems")
_ROWISH = re.compile(r"(?:\d+\s+){2,}\d+|\t")


def _label(key: str) -> str:
    return f"{_CN_ORDINAL[SECTION_INDEX[key] - 1]}、{SECTION_TITLE[key]}"


def is_nothing(text: str) -> bool:
    """Does this body text say only 无 (or 暂无, 本年度无…)?"""
    return bool(_NOTHING.match(re.sub(r"\s+", "", text)))


def _body(doc: Document, sec: Section) -> list[Block]:
    """The blocks of section ``sec`` after its heading (by position: a body flattened onto one line holds
    a heading and its text on the same line)."""
    blocks = [b for b in doc.blocks if b.section == sec.key]
    head = next((i for i, b in enumerate(blocks) if b.kind is BlockKind.HEADING and b.line == sec.line), None)
    return blocks[head + 1 :] if head is not None else [b for b in blocks if b.line > sec.line]


def _last_content_line(doc: Document) -> int:
    return max((b.end_line for b in doc.blocks if b.text.strip()), default=0)


@rule(
    "empty-section",
    name="部分无内容",
    severity="error",
    summary="某一部分只有标题没有内容，或在必须写明情况的地方只写了“无”",
    category="structure",
)
def empty_section(doc: Document, ctx: Context):
    """What：六个部分中，总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、行政复议和
    行政诉讼情况、存在的主要问题及改进情况这五部分必须有内容：标题下面什么也没有，或者只写了“无”
    （“暂无”“本年度无”），报错误。二、三、四部分的统计表即使全部是 0 也是内容，不报；只写“无”
    而没有表格则报，因为规定表格要照填、没有数据填 0。“存在的主要问题及改进情况”不能写“无”：
    没有问题也要说明改进方向。部分中的小标题（“（二）依申请公开”）下面紧接着就是下一个同级或更高级
    的标题时，报警告（只看总体情况和存在的主要问题两部分：二、三、四部分里“（一）予以公开”是表格的行名）。

    Why：空着的部分是格式审查中最直接的扣分项，通常是模板没有填完。

    Example：“五、存在的主要问题及改进情况”下面紧接着就是“六、其他需要报告的事项” → 错误。

    不报：“六、其他需要报告的事项”只写“无”或什么也没写——这一部分可以没有其他事项，但必须说明是否
    收取信息处理费，由 fee-statement-missing 报告，这里不重复；写成一句话的情况（“本年度未发生行政
    复议、行政诉讼”）——那是内容，是否还缺表格不在本规则判断；标题是文件最后一行（文件被截断，
    由截断检查说明）；缺少整个部分（section-missing 报告）。
    """
    last = _last_content_line(doc)
    whole: set[str] = set()  # sections reported as a whole: their sub-headings are not reported again
    for sec in doc.sections:
        if sec.key == "other" or sec.key not in _REQUIRED:
            continue
        body = _body(doc, sec)
        content = [b for b in body if b.kind is not BlockKind.HEADING or b.heading_level == 0]
        if not body:
            if sec.line >= last:
                continue  # the file ends at this heading: truncated input, not an empty section
            table = sec.key in ("active", "requests", "review")
            yield Hit(
                message=f"“{_label(sec.key)}”只有标题，没有内容",
                suggestion=f"在这一部分写明{_REQUIRED[sec.key]}。"
                + ("如果表格是以图片形式插入的，本工具读不到图片中的内容，请人工核对。" if table else ""),
                line=sec.line,
                end_line=sec.line,
                text=sec.heading,
                section=sec.key,
                confidence=0.8 if table else 1.0,
                evidence={"section": sec.title, "body": ""},
            )
            continue
        if all(b.kind is BlockKind.HEADING for b in body):
            if body[-1].end_line >= last or sec.key not in _NARRATIVE:
                continue  # truncated; or a table section whose flattened rows look like （一）… headings
            whole.add(sec.key)
            heads = "”“".join(b.raw.strip() for b in body[:3]) + ("”等" if len(body) > 3 else "”")
            yield Hit(
                message=f"“{_label(sec.key)}”只有小标题（“{heads}），没有内容",
                suggestion=f"在各小标题下写明{_REQUIRED[sec.key]}。",
                line=sec.line,
                end_line=body[-1].end_line,
                text=sec.heading,
                section=sec.key,
                evidence={"section": sec.title, "body": ""},
            )
            continue
        if content and all(b.kind is BlockKind.PARAGRAPH and is_nothing(b.text) for b in content):
            first, end = content[0], content[-1]
            extra = "；没有申请、案件或数据时也要保留表格并填 0" if sec.key in ("active", "requests", "review") else ""
            yield Hit(
                message=f"“{_label(sec.key)}”只写了“{first.text}”",
                suggestion=f"这一部分不能只写“无”，请写明{_REQUIRED[sec.key]}{extra}。",
                line=first.line,
                end_line=end.end_line,
                text=first.text,
                section=sec.key,
                evidence={"section": sec.title, "body": first.text},
            )
    yield from _empty_subheadings(doc, last, whole)


def _empty_subheadings(doc: Document, last: int, skip: set[str]):
    blocks = [b for b in doc.blocks if b.text.strip()]
    for i, b in enumerate(blocks):
        # narrative sections only: in 二/三/四 a （一）予以公开 line is a table row label, not a sub-heading
        if b.kind is not BlockKind.HEADING or b.heading_level < 2 or b.section not in _NARRATIVE or b.section in skip:
            continue
        if _ROWISH.search(b.text):
            continue  # "3.其他 0 0 0 0": a table row the PDF flattened into a line
        nxt = blocks[i + 1] if i + 1 < len(blocks) else None
        if nxt is None or b.end_line >= last:
            continue  # truncated after the heading
        # the next heading: a heading line, or a paragraph that opens with its own （三）… heading
        level = nxt.heading_level if nxt.kind is BlockKind.HEADING else nxt.inline_level
        if 0 < level <= b.heading_level:
            shown = nxt.raw.strip() if nxt.kind is BlockKind.HEADING else nxt.raw.strip()[: len(nxt.inline_heading)]
            head = b.raw.strip()
            yield Hit(
                message=f"小标题“{head}”下面没有内容，紧接着就是“{shown}”",
                suggestion="在这个小标题下写明相应的工作情况；确实没有可写的内容时，删去这个小标题。",
                line=b.line,
                end_line=b.line,
                text=head,
                section=b.section,
                severity=Severity.WARNING,
                confidence=0.8,
                evidence={"heading": head, "next": shown},
            )
