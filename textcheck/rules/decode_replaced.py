"""Characters of a text file that could not be decoded and were replaced (U+FFFD)."""

from __future__ import annotations

from textcheck.document import Document
from textcheck.rules import Context, Hit, rule

REPLACEMENT = "\ufffd"


@rule(
    "decode-replaced",
    severity="info",
    summary="文件中有无法识别的字节，已用“\ufffd”代替后照常检查",
    category="structure",
    name="字节损坏",
)
def decode_replaced(doc: Document, ctx: Context):
    """What：UTF-8 文本文件中个别字节损坏（复制不完整、混入一个 GBK 字符等）时，程序不再拒绝整份报告，
    而是把无法识别的字节显示为“\ufffd”后照常检查，并用这条提示说明替换了多少个字符、第一处在哪一行。

    Why：一个坏字节不应让整份报告无法检查，但被替换的字可能正是数字或单位名称，需要人工核对原文。

    Example：第 12 行“主动公开政府信息\ufffd\ufffd条”——原文此处的字节已损坏。

    不报：没有被替换的字符的文件；Word、PDF、网页文件（它们的文字编码由格式本身决定）。
    """
    if doc.source.format not in ("txt", "stdin") or REPLACEMENT not in doc.source.text:
        return
    count = doc.source.text.count(REPLACEMENT)
    first = next(n for n, line in enumerate(doc.lines, 1) if REPLACEMENT in line)
    yield Hit(
        message=f"文件中有 {count} 个字符无法识别（编码损坏），已显示为“\ufffd”，第一处在{doc.label(first)}",
        suggestion="核对原文中这些位置的文字（尤其是数字和名称）；用记事本或 WPS 重新另存为 UTF-8 编码的 .txt 可消除此提示。",
        line=first,
        end_line=first,
        confidence=1.0,
        evidence={"replaced": count},
    )
