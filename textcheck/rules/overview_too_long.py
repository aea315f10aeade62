"""“总体情况” within its length budget (原则上不超过 1000 字)."""

from __future__ import annotations

from textcheck.document import Document
from textcheck.rules import Context, Hit, rule
from textcheck.text import nonspace_count


def overview_length(doc: Document) -> tuple[int, int | None, int | None]:
    """(characters, first line, last line) of 总体情况's narrative: paragraphs and sub-headings,
    not the section heading and not tables; every non-space character counts (as Word's
    “字符数（不计空格）”), punctuation included."""
    blocks = doc.section_body("overview")
    total = sum(nonspace_count(b.text) for b in blocks)
    return total, (blocks[0].line if blocks else None), (blocks[-1].end_line if blocks else None)


@rule(
    "overview-too-long",
    name="总体情况过长",
    severity="warning",
    summary="“总体情况”篇幅超过 1000 字",
    category="length",
    options={"max_chars": 1000, "since_year": 2021},
)
def overview_too_long(doc: Document, ctx: Context):
    """What：规定“总体情况”篇幅原则上不超过 1000 字。计数方法：总体情况下的正文段落和小标题中
    所有非空白字符（含标点，与 Word“字符数（不计空格）”一致），不含本部分标题和表格。

    Why：总体情况要聚焦主题、简明客观。

    Example：攀枝花市报告的总体情况约 3600 字 → 警告（“原则上”，所以只是警告）。

    不报：报告年度早于 ``since_year``（默认 2021）的报告——这一篇幅要求出自 2021 年度报告的编写通知
    （见 seeds/README：资阳市政府办公室 2021-11-12 通知），此前的格式没有字数要求；年度读不出时照常检查。
    """
    limit = int(ctx.options["max_chars"])
    year = doc.identity.year
    if year is not None and year < int(ctx.options["since_year"]):
        return
    total, first, last = overview_length(doc)
    if total > limit and first is not None:
        yield Hit(
            message=f"“总体情况”约 {total} 字，超过规定的 {limit} 字（原则上不超过）",
            suggestion=f"压缩到 {limit} 字以内：保留五个方面的要点和关键数据，删去背景性、表态性语句。",
            line=first,
            end_line=last,
            text="",
            section="overview",
            evidence={"characters": total, "limit": limit},
        )
