"""The file ends before the report does (``analysis/truncation.py``)."""

from __future__ import annotations

from textcheck.document import Document
from textcheck.parse import SECTION_TITLE
from textcheck.rules import Context, Hit, rule

_HOW = {
    "mid-sentence": "最后一句没有写完（“…{text}”）",
    "mid-table": "最后一个表格没有填完（“…{text}”）",
    "structure": "“{part}”之后的部分一个也没有",
}


@rule(
    "truncated-input",
    name="文件不完整",
    severity="info",
    summary="文件在报告结束前中断（句子或表格没有完，或后面的部分都没有），中断处之后无法检查",
    category="structure",
)
def truncated_input(doc: Document, ctx: Context):
    """报告什么：文件在报告写完之前就结束了——最后一句没有句号（不是落款、日期、附件说明或“无”），
    最后一个表格的末行比上一行少了单元格，或者某一部分之后应有的部分一个也没有（至少三个）。这是对输入文件
    的提示：中断处之后的内容无法检查；因此缺少的部分（section-missing）和总体情况中缺少的方面
    （subtopic-missing）改为警告，并说明可能在中断处之后。

    依据：网页只保存了一部分、复制时漏了后半部分、导出中断的文件很常见；把它们当作起草者漏写会误报。

    例子：文件最后一行是“（四）政府信息公开平台建设情况。……多渠道发布信息，做到线上”→ 提示文件在这一行中断。

    不报：以句号、落款或日期结束的完整报告；最后一部分只写了“无”。
    """
    cut = ctx.cut(doc)
    if cut is None:
        return
    part = SECTION_TITLE.get(cut.last_part or "", "") or "开头"
    how = _HOW[cut.kind].format(text=cut.text, part=part)
    yield Hit(
        message=f"文件似乎在{doc.label(cut.line)}中断：{how}。其后的内容无法检查，缺少的部分按“可能在中断处之后”报告",
        suggestion="请确认文件是否完整（网页是否只保存了一部分，复制或导出是否中断），用完整的报告重新检查。",
        line=cut.line,
        end_line=cut.line,
        text=cut.text,
        confidence=0.8 if cut.kind != "structure" else 0.6,
        evidence={"kind": cut.kind, "last_part": cut.last_part},
    )
