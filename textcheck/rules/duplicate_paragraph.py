"""Paragraphs repeated inside one report (pasted twice, or pasted and lightly edited)."""

from __future__ import annotations

import re

from textcheck.document import Block, Document, shorten
from textcheck.finding import Related, Severity
from textcheck.resources import cut
from textcheck.rules import Context, Hit, rule
from textcheck.text import comparable, template_share

_TITLE = re.compile(r"(?:政府信息公开|政务公开|信息公开)[^。]{0,20}(?:年度报告|工作报告|年报)")
TEMPLATE_SHARE = 0.8  # a paragraph this much template wording is the format's, not the drafter's


def _counts(b: Block) -> bool:
    """Whether a paragraph can be a copy-paste duplicate: not the report's title (a web page shows it
    twice: as the page title and above the text), not template wording of the format (a table header
    repeated at a page break, 本列数据的勾稽关系为……)."""
    t = b.text.strip()
    if len(t) <= 90 and "。" not in t[:-1] and _TITLE.search(t):
        return False
    return template_share(t) < TEMPLATE_SHARE


def similar_pairs(texts: list[str], min_score: float) -> dict[tuple[int, int], float]:
    """Pairs (i < j) of ``texts`` whose similarity is at least ``min_score`` (0-100).

    Two rapidfuzz scorers over all pairs (a report has at most a few hundred paragraphs, so the
    exact all-pairs matrix costs milliseconds): ``ratio`` on characters (edits in place) and
    ``token_sort_ratio`` on jieba words joined by spaces (the same sentences in another order).
    The pair's score is the higher of the two.
    """
    if len(texts) < 2:
        return {}
    from rapidfuzz import fuzz, process

    chars = [comparable(t) for t in texts]
    words = [" ".join(w for w in cut(t) if comparable(w)) for t in texts]
    out: dict[tuple[int, int], float] = {}
    for scorer, items in ((fuzz.ratio, chars), (fuzz.token_sort_ratio, words)):
        matrix = process.cdist(items, items, scorer=scorer, score_cutoff=min_score, workers=1)
        n = len(items)
        for i in range(n):
            row = matrix[i]
            for j in range(i + 1, n):
                v = float(row[j])
                if v >= min_score and v > out.get((i, j), 0.0):
                    out[(i, j)] = v
    return out


@rule(
    "duplicate-paragraph",
    name="重复段落",
    severity="error",
    summary="同一段文字在报告中出现两次（完全相同为错误，基本相同为警告）",
    category="duplication",
    options={"min_chars": 20, "near_threshold": 85},
)
def duplicate_paragraph(doc: Document, ctx: Context):
    """What：找出报告内重复的正文段落（不含标题和表格）。用 rapidfuzz 对所有段落两两打分：字符相似度
    （原地改了几个字）和结巴分词后的词序无关相似度（句子换了顺序），取高者。完全相同（忽略空白和标点）
    为错误，相似度不低于 near_threshold（默认 85%）为警告。后出现的段落指向第一次出现的位置。

    Why：整段重复粘贴是“内容雷同”最直接的表现。

    Example：大章镇报告第 33–55 行把（一）至（四）的内容又粘贴了一遍。

    不报：报告标题出现两次（网页的标题和正文上方的标题）；规定格式的固定用语和表头（如“本列数据的勾稽关系为……”，
    表格跨页时表头重印一遍），即八成以上是 corpora/template.txt 中的模板用语的段落。
    """
    min_chars = int(ctx.options["min_chars"])
    near = float(ctx.options["near_threshold"])
    paras: list[Block] = [b for b in doc.narrative() if len(comparable(b.text)) >= min_chars]
    keys = [comparable(b.text) for b in paras]
    first_copy: dict[int, tuple[int, float]] = {}  # later index -> (earlier index, similarity)
    seen: dict[str, int] = {}
    for idx, key in enumerate(keys):
        if key in seen:
            first_copy[idx] = (seen[key], 100.0)
        else:
            seen[key] = idx
    for (i, j), score in sorted(similar_pairs([b.text for b in paras], near).items()):
        if j in first_copy and first_copy[j][1] >= 100.0:
            continue
        score = round(score, 1)
        if j not in first_copy or score > first_copy[j][1]:
            root = first_copy.get(i, (i, 100.0))[0] if i in first_copy and first_copy[i][1] >= 100.0 else i
            first_copy[j] = (root, round(score, 1))
    for j in sorted(first_copy):
        i, score = first_copy[j]
        a, b = paras[i], paras[j]
        if not (_counts(a) and _counts(b)):
            continue
        exact = score >= 100.0
        yield Hit(
            message=(
                f"这一段与第 {a.line} 行的段落完全相同"
                if exact
                else f"这一段与第 {a.line} 行的段落基本相同（相似度 {score:.0f}%）"
            ),
            suggestion="删除重复粘贴的段落；如果两处确实都需要，请改写后一处，写出不同的具体内容。",
            line=b.line,
            end_line=b.end_line,
            text=shorten(b.raw, 120),
            section=b.section,
            related=(Related(line=a.line, end_line=a.end_line, text=shorten(a.raw, 120)),),
            severity=None if exact else Severity.WARNING,
            confidence=1.0 if exact else round(min(1.0, score / 100.0), 3),
            evidence={"similarity": score, "exact": exact},
        )
