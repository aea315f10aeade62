"""Is this document an annual report at all? (document kinds that are not: ``corpora/document_kinds.toml``)"""

from __future__ import annotations

import re

from textcheck.document import Document
from textcheck.resources import corpus_toml
from textcheck.rules import Context, Hit, rule


def _kinds() -> list[str]:
    """Kinds of documents that are not reports (``corpora/document_kinds.toml``)."""
    return corpus_toml("document_kinds.toml")["kinds"]


@rule(
    "not-a-report",
    severity="error",
    summary="文件不是政府信息公开工作年度报告（只报这一条，不做其他检查）",
    category="structure",
    options={"min_sections": 3},
    exclusive=True,
)
def not_a_report(doc: Document, ctx: Context):
    """What：年度报告应由六个部分组成。找到的部分少于 min_sections 个（标题里写明“年度报告”时至少要有 1 个）
    时，判定文件不是年度报告，只报这一条，避免对通知、工作安排等文件给出大量无意义的结果。

    Why：审核人员批量检查时，文件夹里常混有通知、工作要点等非报告文件。

    Example：雅安市转发的《2021年全省政务公开重点工作安排》→ 不是年度报告。
    """
    found = {s.key for s in doc.sections}
    title = doc.identity.title or ""
    kinds = _kinds()
    is_report_title = bool(title) and not any(title.endswith(w) for w in kinds)
    if len(found) >= int(ctx.options["min_sections"]) or (is_report_title and found):
        return
    first = next((b for b in doc.blocks if b.text.strip()), None)
    head = first.text[:40] if first else ""
    kind = next((w for w in kinds if re.search(w + r"$", (title or head).rstrip("。"))), None)
    detail = f"，开头看起来是一份“{kind}”" if kind else ""
    yield Hit(
        message=(
            f"这份文件不像政府信息公开工作年度报告：年度报告规定的六个部分只找到 {len(found)} 个{detail}。"
            "未做其他检查"
        ),
        suggestion=(
            "请确认选择的文件是否正确。如果这是年度报告，请按《中华人民共和国政府信息公开工作年度报告格式》"
            "使用“一、总体情况”“二、主动公开政府信息情况”……“六、其他需要报告的事项”六个标题。"
        ),
        line=first.line if first else None,
        end_line=first.line if first else None,
        text=head,
        confidence=0.9 if not found else 0.7,
        evidence={"sections_found": sorted(found)},
    )
