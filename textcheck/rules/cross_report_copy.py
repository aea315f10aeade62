"""cross-report-copy: a paragraph shared with another issuer's report in the same batch.

Run by ``textcheck batch`` (``scope="batch"``) on each report's ``SharedParagraphs``, which the batch
matching (``textcheck.batch.match``) finds; not by ``check``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textcheck.document import shorten
from textcheck.finding import Related, Severity
from textcheck.parse import SECTION_TITLE
from textcheck.rules import Context, Hit, rule


@dataclass(frozen=True)
class SharedParagraphs:
    """One report's paragraphs shared with other issuers' reports of a batch.

    ``matches``: one dict per paragraph: line, end_line, section (key), raw (its text), shared_with
    (how many other reports), related (list of dicts, most similar first: path, line, end_line,
    text, section, issuer, similarity, and the other report's year and signature date).
    ``year`` and ``date`` are this report's (the direction of a copy: the later one copied).
    ``duplicates``: when this file is a second submission of the same unit's report of the same year
    with (nearly) the same text, the file to review instead (path, similarity) — rule duplicate-submission."""

    path: str
    matches: tuple[dict[str, Any], ...]
    year: int | None = None
    date: str | None = None
    duplicates: tuple[dict[str, Any], ...] = ()


def copy_direction(target: SharedParagraphs, other: dict[str, Any]) -> str:
    """copied-from (this report is the later one), copied-by (the other one is), or unknown: by
    the report year, then the date of the signature."""
    for mine, theirs in ((target.year, other.get("year")), (target.date, other.get("date"))):
        if mine and theirs and mine != theirs:
            return "copied-from" if mine > theirs else "copied-by"
    return "unknown"


@rule(
    "cross-report-copy",
    name="与他单位雷同",
    severity="warning",
    summary="段落与其他单位的报告基本相同（内容雷同、相互抄袭；仅 batch 批量检查）",
    category="duplication",
    scope="batch",
)
def cross_report_copy(target: SharedParagraphs, ctx: Context):
    """What：在一批报告中，找出与其他发布机关的报告基本相同的正文段落（去掉空白和标点后，
    rapidfuzz 相似度不低于 [batch] threshold，默认 90%）。先用 MinHash 局部敏感哈希找候选段落，
    再逐对核实，不做全部两两比较。模板用语占大部分的段落、以及同一批中大量单位都有的通用段落不计。
    同一发布机关的不同报告（例如不同年度）之间的相同段落不算抄袭。

    Why：政务公开办审核下级报告时，要发现“内容雷同、相互抄袭”：一个单位照搬另一个单位的报告，
    往往连单位名称、数字都没改全。

    Example：甲镇报告“（二）依申请公开方面”一段与乙镇报告第 12 行的段落相似度 97% → 警告，
    并列出乙镇报告的文件和行号。

    谁抄谁：两份报告的年度不同（或年度相同而落款日期不同）时，晚的一份是沿用早的一份：晚的一份报警告
    （“抄自”），早的一份只作提示（“被……沿用”）；分不出先后时两份都报警告。

    不报：同一单位同一年度的同一份报告的不同格式（docx 和 pdf 各交一份），那是 duplicate-submission（重复提交）。
    """
    for m in target.matches:
        rel = m["related"]
        best = rel[0]
        others = sorted({r["issuer"] or "（未识别）" for r in rel})
        more = f"等 {m['shared_with']} 份报告" if m["shared_with"] > 1 else ""
        who = best["issuer"] or "其他单位"
        direction = copy_direction(target, best)
        when = {"copied-from": "（对方的报告更早，本报告可能抄自对方）",
                "copied-by": "（本报告更早，可能是对方沿用了本报告）"}.get(direction, "")
        yield Hit(
            message=(
                f"这一段与{who}的报告（{best['path']} 第 {best['line']} 行）"
                f"{'完全相同' if best['similarity'] >= 100 else '基本相同（相似度 %.0f%%）' % best['similarity']}"
                + (f"，还出现在{more}中" if more else "") + when
            ),
            severity=Severity.INFO if direction == "copied-by" else None,
            suggestion="结合本单位本年度的实际工作重新撰写这一段，写出本单位的具体做法和数据，不要照搬其他单位的报告。",
            line=m["line"],
            end_line=m["end_line"],
            text=shorten(m["raw"], 120),
            section=m["section"],
            related=tuple(
                Related(line=r["line"], end_line=r["end_line"], text=shorten(r["text"], 120), path=r["path"],
                        section=SECTION_TITLE.get(r["section"], r["section"]) if r["section"] else None)
                for r in rel
            ),
            confidence=round(min(1.0, best["similarity"] / 100.0), 3),
            evidence={
                "similarity": best["similarity"],
                "other_issuer": best["issuer"],
                "other_issuers": others,
                "shared_with": m["shared_with"],
                "direction": direction,
            },
        )
