"""identity-unknown: say so when the issuer or the year cannot be read or placed, and which checks
were skipped because of it — never skip silently."""

from __future__ import annotations

from typing import Iterable

from textcheck.document import Document
from textcheck.rules import Context, Hit, rule
from textcheck.analysis.year import report_year

SOURCES = "标题、开头段落、联系方式、发布机构和落款"
_OVERRIDE = "也可以用 --issuer 指定发布机关的名称或区划代码（如 --issuer 410325106000）后重新检查。"


@rule(
    "identity-unknown",
    name="机关年度不明",
    severity="info",
    summary="无法确定发布机关或报告年度，相关检查未做",
    category="identity",
)
def identity_unknown(doc: Document, ctx: Context) -> Iterable[Hit]:
    """读不出或在行政区划表中定位不到报告的发布机关、读不出报告年度时给出提示，并说明因此没有做哪些检查：
    发布机关不明时不检查其他单位名称（name-mismatch），年度不明时不检查年份一致性（year-mismatch）。
    发布机关名称与某个行政区划只差一个字（OCR 形近字，如“雎宁县”与“睢宁县”）时，提示可能的单位。

    为什么：规则宁可不报也不误报，但不能悄悄跳过——读者需要知道哪些检查没有做、为什么没有做。

    例：标题和正文都没有写发布机关；标题写“太平镇人民政府”，全国有 50 个太平镇，正文又没有写所属县市。

    不报：发布机关和年度都已确定的报告（包括按功能区、按一字之差的名称定位的，后者提示一次）。
    """
    analysis = ctx.issuer_analysis(doc)
    issuer = analysis.resolved
    if issuer is None:
        near = next(iter(analysis.near_misses.items()), None)
        if not analysis.tried:
            message = f"未能识别报告的发布机关：{SOURCES}中都没有写出发布机关名称；已跳过其他单位名称检查（name-mismatch）"
            suggestion = "在标题或开头段落写明发布机关全称（如“××县××镇人民政府”）。" + _OVERRIDE
        elif near:
            written, likely = near
            guess = "、".join(f"“{n}”" for n in likely[:3])
            message = f"发布机关名称中的“{written}”在行政区划表中找不到，可能是{guess}（一字之差）；已跳过其他单位名称检查（name-mismatch）"
            suggestion = f"核对“{written}”是否应为{guess}并改正；确认后可用 --issuer {likely[0]} 重新检查。"
        else:
            names = "、".join(f"“{t}”" for t in list(dict.fromkeys(analysis.unplaced or [c[0] for c in analysis.tried]))[:3])
            message = f"发布机关{names}在行政区划表中定位不到（名称中没有可识别的地名）；已跳过其他单位名称检查（name-mismatch）"
            suggestion = "在标题或开头段落写明发布机关全称，包括所属地名。" + _OVERRIDE
        yield _hit(doc, analysis.tried, message, suggestion, {"reason": "no-issuer" if not analysis.tried else "not-placed", "near_misses": analysis.near_misses})
    elif issuer.get("ambiguous") and len(issuer.get("alternative_codes") or ()) > 2:
        n = issuer.get("candidates") or len(issuer["alternative_codes"])
        message = (f"发布机关“{issuer['name']}”全国有 {n} 个同名单位，正文没有写明所属的县（市、区）等上级，无法确定是哪一个；"
                   "已跳过其他单位名称检查（name-mismatch）")
        suggestion = f"在标题或开头写出上级地名（如“××县{issuer['name']}”）。" + _OVERRIDE
        yield _hit(doc, analysis.tried, message, suggestion, {"reason": "ambiguous", "alternatives": issuer.get("alternatives", [])})
    elif issuer.get("by_neighbours") and issuer.get("candidates", 1) > 1:
        message = (f"发布机关“{issuer['name']}”全国有 {issuer['candidates']} 个同名单位，正文没有写明所属的县（市、区）等上级，"
                   f"只能从提到的邻近单位推断为{issuer['path'].replace('/', '')}；已跳过其他单位名称检查（name-mismatch）")
        suggestion = f"在标题或开头写出上级地名（如“××县{issuer['name']}”）。" + _OVERRIDE
        yield _hit(doc, analysis.tried, message, suggestion, {"reason": "placed-by-neighbours", "path": issuer["path"]}, line=issuer.get("line"))
    elif issuer.get("near_miss"):
        nm = issuer["near_miss"]
        message = f"发布机关名称中的“{nm['written']}”在行政区划表中找不到，按一字之差的“{nm['likely']}”（{issuer['path'].replace('/', '')}）检查"
        suggestion = f"核对“{nm['written']}”是否应为“{nm['likely']}”并改正；如不是，请用 --issuer 指定发布机关后重新检查。"
        yield _hit(doc, analysis.tried, message, suggestion, {"reason": "near-miss", "written": nm["written"], "likely": nm["likely"]}, line=issuer.get("line"))
    if report_year(doc.identity) is None:
        yield Hit(
            message="未能识别报告年度：标题、开头段落、总体情况开头和统计期限中都没有年份；已跳过年份一致性检查（year-mismatch）",
            suggestion="在标题和统计期限中写明报告年度（如“2023年政府信息公开工作年度报告”“统计期限为2023年1月1日至12月31日”）。",
            line=doc.identity.title_line or (1 if doc.lines else None),
            confidence=1.0,
            evidence={"reason": "no-year"},
        )


def _hit(doc: Document, tried, message: str, suggestion: str, evidence: dict, line: int | None = None) -> Hit:
    line = line or (tried[0][2] if tried else doc.identity.title_line or (1 if doc.lines else None))
    block = doc.block_at(line) if line else None
    return Hit(
        message=message,
        suggestion=suggestion,
        line=line,
        end_line=line,
        text=doc.excerpt(line) if line else "",
        section=block.section if block else None,
        confidence=1.0,
        evidence={**evidence, "statements": [{"text": t, "source": s, "line": ln} for t, s, ln in tried]},
    )
