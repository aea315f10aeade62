"""duplicate-submission: the same unit's report of the same year submitted twice (docx and pdf).

Run by ``textcheck batch`` (``scope="batch"``) on each report's ``SharedParagraphs``; the batch finds
the duplicates (``textcheck.batch.duplicates``).
"""

from __future__ import annotations

from pathlib import Path

from textcheck.rules import Context, Hit, rule
from textcheck.rules.cross_report_copy import SharedParagraphs


@rule(
    "duplicate-submission",
    name="重复提交",
    severity="info",
    summary="同一单位同一年度的报告提交了两份（如 docx 和 pdf），内容基本相同（仅 batch 批量检查）",
    category="duplication",
    scope="batch",
)
def duplicate_submission(target: SharedParagraphs, ctx: Context):
    """What：一批报告中，发布机关相同、年度相同、正文基本相同（rapidfuzz 相似度不低于 [batch] threshold，
    默认 90%）的两个文件，例如同一份报告既交了 Word 版又交了 PDF 版。只审核其中一份（优先 Word，其次 PDF、
    网页、文本），另一份标出“重复提交”。

    Why：同一份报告的两种格式不是“相互抄袭”；把它们当作抄袭会冤枉报送单位，也让审核人员重复劳动。

    Example：洪泽区人民政府 2021 年报告.docx 和 .pdf 的正文相同 → 在 .pdf 上提示“与 ….docx 是同一份报告
    （重复提交）”。

    不报：不同年度的报告（那是年度对比）；内容差别大的同年度报告（可能是修订稿，两份都照常检查）。
    """
    for d in target.duplicates:  # only on the copy not reviewed: the file to review is d["path"]
        other = d["path"]
        yield Hit(
            message=(f"与 {other} 是同一单位同一年度的同一份报告（正文相似度 {d['similarity']:.0f}%，"
                     f"{Path(other).suffix.lstrip('.') or '无后缀'} 与 {Path(target.path).suffix.lstrip('.') or '无后缀'} 两种格式），"
                     "属于重复提交，不是抄袭"),
            suggestion=f"只需审核 {other}；请报送单位确认以哪一份为准。",
            confidence=round(min(1.0, d["similarity"] / 100.0), 3),
            evidence={"duplicate_of": other, "similarity": d["similarity"]},
        )
